// `zeromq-inspector record`: opens one socket (SUB by default) and writes what it receives as JSON Lines,
// the format of Export Capture, so that the extension's Import Capture (and replay) reads the file.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { toCaptureLine } from '../core/capture/captureJsonl';
import { SessionManager } from '../core/session/sessionManager';
import type { CaptureSink } from '../core/session/session';
import { parseSocketType, socketTypeInfo } from '../core/session/socketTypes';
import type { AppendOptions, Direction, SocketTypeName } from '../core/types';
import type { Output } from './consoleReporter';

export interface RecordOptions {
  type: string;
  bind: boolean;
  subscribe?: string[];
  seconds?: number;
  count?: number;
  out: string;
  name?: string;
  signal?: AbortSignal;
}

export async function recordCommand(addresses: string[], options: RecordOptions, log: Output): Promise<number> {
  const type = parseSocketType(options.type);
  if (!type) {
    log.write(`--type ${options.type} is not a socket type\n`);
    return 2;
  }
  if (socketTypeInfo(type).flow === 'send') {
    log.write(`a ${type} never receives: record with SUB (on a PUB), PULL (on a PUSH), ROUTER, DEALER or PAIR\n`);
    return 2;
  }
  if (options.seconds === undefined && options.count === undefined) {
    log.write('say when to stop: --seconds N, --count N, or both\n');
    return 2;
  }
  const name = options.name ?? `record ${type}`;
  const toStdout = options.out === '-';
  const stream = toStdout ? process.stdout : createWriteStream(options.out);
  // Wall-clock start plus a monotonic clock: nanosecond times that never go backwards within a file.
  const startNs = BigInt(Date.now()) * 1_000_000n;
  const startHr = process.hrtime.bigint();
  let written = 0;
  let bytes = 0;
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const sink: CaptureSink = {
    // Recording streams to a file: no capture budget to size the receive queue from.
    maxBytes: undefined,
    append(sessionId: string, direction: Direction, frames: Uint8Array[], appendOptions?: AppendOptions) {
      if (direction !== 'in' || (options.count !== undefined && written >= options.count)) return 0;
      written++;
      const timeNs = startNs + (process.hrtime.bigint() - startHr);
      const line = toCaptureLine(
        {
          seq: written,
          timeNs,
          sessionId,
          direction,
          frames,
          frameSizes: frames.map((f) => f.length),
          hasRoutingId: !!appendOptions?.hasRoutingId,
          hasTopic: !!appendOptions?.hasTopic,
        },
        undefined,
        { name, type: type as SocketTypeName },
      );
      const text = JSON.stringify(line) + '\n';
      bytes += text.length;
      stream.write(text);
      if (options.count !== undefined && written >= options.count) stop();
      return written;
    },
  };
  const manager = new SessionManager(sink);
  const started = performance.now();
  try {
    await manager.open({
      id: 's1',
      name,
      type,
      mode: options.bind ? 'bind' : 'connect',
      addresses,
      subscriptions: type === 'SUB' || type === 'XSUB' ? (options.subscribe?.length ? options.subscribe : ['']) : undefined,
    });
  } catch (error) {
    log.write(`cannot open ${type} ${options.bind ? 'bind' : 'connect'} ${addresses.join(' ')}: ${(error as Error).message}\n`);
    if (!toStdout) stream.end();
    return 2;
  }
  log.write(`recording ${type} ${options.bind ? 'bind' : 'connect'} ${addresses.join(' ')} to ${toStdout ? 'stdout' : options.out}\n`);
  const timer = options.seconds !== undefined ? setTimeout(stop, options.seconds * 1000) : undefined;
  options.signal?.addEventListener('abort', stop);
  await stopped;
  clearTimeout(timer);
  await manager.dispose();
  if (!toStdout) {
    stream.end();
    await once(stream, 'finish');
  }
  log.write(`recorded ${written} message(s), ${bytes} bytes of JSON Lines, in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return 0;
}
