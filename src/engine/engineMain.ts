// The engine process's entry (bundled to dist/engine.js and started by EngineClient with fork): owns the
// sockets, sessions, taps, the capture store and decoding, so that a native abort, an out-of-memory or a
// runaway decode ends this process and never the extension host. It dies with its parent: when the IPC
// channel closes (the extension host exited, even by kill -9) it exits at once.
import { receiveCopiedFrames } from './copiedFrames';
import { Engine } from './engine';
import type { EngineToHost } from '../shared/engineProtocol';

if (!process.send) {
  console.error('dist/engine.js is started by the ZeroMQ Inspector extension (with an IPC channel), not by hand.');
  process.exit(2);
}

const send = (message: EngineToHost): void => {
  if (!process.connected) return;
  try {
    process.send!(message);
  } catch (error) {
    // The channel closed under us: 'disconnect' ends the process next.
    console.error(`engine: could not send to the extension: ${error instanceof Error ? error.message : String(error)}`);
  }
};

const engine = new Engine(send, () => process.exit(0));
// Settled before the first request, which may open a session (see copiedFrames.ts); requests keep their order.
const framesSettled = receiveCopiedFrames().then((frames) => {
  if (frames === 'wrapped') console.error('engine: zeromq.js could not be set to copy received frames; captures cost more CPU.');
});
process.on('message', (message) => void framesSettled.then(() => engine.receive(message)));
process.on('disconnect', () => process.exit(0));
// A thrown error nobody caught leaves the engine in a state nobody knows: die, say why on stderr (the
// extension logs it) and let the extension start a fresh engine from the spool.
process.on('uncaughtException', (error) => {
  console.error(`engine: uncaught ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(70);
});
process.on('unhandledRejection', (reason) => {
  console.error(`engine: unhandled rejection ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
});
