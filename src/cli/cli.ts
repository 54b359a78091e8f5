// The headless entry (`npx zeromq-inspector ...`, dist/cli.js): runs scenario files with the same core
// as the extension and no VS Code, for CI and servers. Exit codes: 0 every assertion held, 1 a step or
// assertion failed, 2 bad usage or a file with errors (nothing of it was run), 130 interrupted.
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseDuration } from '../core/scenario/scenarioLines';
import { errorText } from '../core/session/zmqErrors';
import { recordCommand } from './recordCommand';
import { runCommand } from './runCommand';

const stdout = { write: (text: string) => void process.stdout.write(text) };
const stderr = { write: (text: string) => void process.stderr.write(text) };

function duration(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) throw new InvalidArgumentError('a duration such as 500ms, 5s or 1m');
  return ms;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('a positive number');
  return n;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export async function main(argv: string[]): Promise<number> {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let code = 0;
  const program = new Command('zeromq-inspector')
    .description('Run .zmq scenario files against live ZeroMQ services, and record traffic as JSON Lines.')
    .exitOverride()
    .configureOutput({ writeOut: stdout.write, writeErr: stderr.write });
  program
    .command('run')
    .description('run scenario files (or every .zmq file in the folders given)')
    .argument('<paths...>', '.zmq files or folders')
    .option('-e, --env <name>', 'environment from .zmq.env.json')
    .option('--env-file <path>', 'environments file (default: the nearest .zmq.env.json above each scenario file)')
    .option('--var <name=value>', 'set a variable (repeatable; wins over the file and the environment)', collect)
    .option('--junit <path>', 'write a JUnit XML report')
    .option('-s, --scenario <text>', 'run only scenarios whose name contains this text')
    .option('-t, --timeout <duration>', 'default timeout of receive, request and wait for', duration, 5000)
    .option('--no-color', 'plain output')
    .action(async (paths: string[], options) => {
      const color = options.color && process.stdout.isTTY && !process.env.NO_COLOR;
      code = await runCommand(paths, { ...options, color, signal: controller.signal }, stdout);
    });
  program
    .command('record')
    .description('capture what one socket receives to a JSON Lines file (Import Capture reads it)')
    .argument('<addresses...>', 'endpoints, e.g. tcp://127.0.0.1:5556')
    .addOption(new Option('--type <type>', 'socket type').default('SUB'))
    .option('--bind', 'bind instead of connect')
    .option('--subscribe <prefix>', 'SUB topic prefix (repeatable; default everything)', collect)
    .option('--seconds <n>', 'stop after this many seconds', positive)
    .option('--count <n>', 'stop after this many messages', positive)
    .option('--name <name>', 'session name written in the file')
    .requiredOption('-o, --out <file>', 'output file (- for stdout)')
    .action(async (addresses: string[], options) => {
      code = await recordCommand(addresses, { ...options, bind: !!options.bind, signal: controller.signal }, stderr);
    });
  try {
    await program.parseAsync(argv);
  } catch (error) {
    const exitCode = (error as { exitCode?: number }).exitCode;
    // Help and version exit 0; commander has already printed what was wrong otherwise.
    if (typeof exitCode === 'number') return exitCode === 0 ? 0 : 2;
    stderr.write(`zeromq-inspector: ${errorText(error)}\n`);
    return 3;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  return code;
}

if (require.main === module) {
  main(process.argv).then(
    (code) => process.exit(code),
    (error) => {
      stderr.write(`zeromq-inspector: ${errorText(error)}\n`);
      process.exit(3);
    },
  );
}
