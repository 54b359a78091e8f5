// zeromq.js hands a received frame over 128 bytes to JavaScript in one of two ways, chosen once per process
// at the first frame: under Electron 21 and later (its V8 memory cage forbids the other way) it copies the
// bytes into a new Buffer and frees libzmq's message at once; elsewhere it wraps libzmq's memory in an
// external Buffer that holds the message until a garbage collection runs its finalizer
// (node_modules/zeromq/src/incoming_msg.cc). The engine runs on Electron in desktop VS Code, on plain Node
// in a remote or web host and in the benchmarks. Why the copy everywhere: the store copies every frame at
// once anyway, so the wrapper only saves a copy of what is still in the CPU's caches, and costs a finalizer
// per frame and libzmq buffers that wait, out of the caches, for the next collection. Measured (2026-12-02,
// the engine in its steady state, pinned, 200,000 messages of 4 KiB, its threads' CPU read from /proc): in
// 13 of 14 paired rounds over two runs the copy took 0.25 to 4.3 µs a message less (of 14-23 µs), 1.3 at
// the median; in one, 4.85 more. Frames of 128 bytes or less are copied either way.
//
// zeromq.js has no option for it; it reads `process.versions.electron`. So the engine names an Electron
// version for the moment of one inproc round trip, which makes zeromq.js settle on the copy, and removes it.
import * as zmq from 'zeromq';

/** The Electron major version from which zeromq.js copies received frames. */
const COPYING_ELECTRON = '21.0.0';
/** Larger than zeromq.js's copy threshold (128 bytes), so that the round trip's frame takes the chosen path. */
const PRIMING_FRAME_BYTES = 256;

/**
 * Makes zeromq.js copy received frames in this process (see above). Call before any socket receives.
 * Returns how frames are received from now on: 'copied', or 'wrapped' if the round trip failed.
 */
export async function receiveCopiedFrames(): Promise<'copied' | 'wrapped'> {
  if (process.versions.electron) return 'copied';
  const versions = process.versions as Record<string, string>;
  Object.defineProperty(versions, 'electron', { value: COPYING_ELECTRON, configurable: true, enumerable: false });
  const receiver = new zmq.Pair({ linger: 0 });
  const sender = new zmq.Pair({ linger: 0 });
  try {
    const address = `inproc://zeromq-inspector-copied-frames-${process.pid}`;
    await receiver.bind(address);
    sender.connect(address);
    await sender.send(Buffer.alloc(PRIMING_FRAME_BYTES));
    await receiver.receive();
    return 'copied';
  } catch {
    return 'wrapped';
  } finally {
    delete versions.electron;
    sender.close();
    receiver.close();
  }
}
