// The bare zeromq.js loop of captureTrial.ts in a Node process of its own, started by bareLoopProcess: the
// benchmark process tells its publisher to go when this prints READY, and reads the result from the BARE line.
import { bareLoop, type BareLoopOptions, type Publisher } from './captureTrial';

const [address, optionsJson] = process.argv.slice(2);
const publisher: Publisher = {
  address,
  go: () => process.stdout.write('READY\n'),
  finish: async () => undefined,
};
void bareLoop(publisher, JSON.parse(optionsJson) as BareLoopOptions).then(
  (result) => {
    process.stdout.write(`BARE ${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
