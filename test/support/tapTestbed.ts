// One tap test file's world: a capture store, taps between 127.0.0.1 ports, pyzmq peers and zeromq.js
// sockets, all closed after the file's tests.
import { after } from 'node:test';
import type * as zmq from 'zeromq';
import { CaptureStore } from '../../src/core/capture/captureStore';
import { Tap, type TapOptions, type TapPatternName } from '../../src/core/tap/tap';
import { startPythonPeer, type PythonPeer } from './peers';

export const at = (port: number) => `tcp://127.0.0.1:${port}`;
export const text = (frame: Uint8Array) => Buffer.from(frame).toString();

export function tapTestbed() {
  const store = new CaptureStore({ maxMessages: 100_000, maxBytes: 64 * 1024 * 1024 });
  const peers: PythonPeer[] = [];
  const sockets: zmq.Socket[] = [];
  const taps: Tap[] = [];
  after(async () => {
    for (const t of taps) await t.close();
    for (const s of sockets) s.close();
    for (const p of peers) await p.kill();
  });

  return {
    store,
    /** What the tap recorded, oldest first. */
    records: (tapId: string) => store.filter({ sessionIds: [tapId] }).map((seq) => store.get(seq)!),
    async startTap(id: string, pattern: TapPatternName, listen: number, upstream: number, more: Partial<TapOptions> = {}): Promise<Tap> {
      const tap = await Tap.start({ id, name: id, pattern, listen: at(listen), upstream: at(upstream), sink: store, ...more });
      taps.push(tap);
      return tap;
    },
    async python(script: string): Promise<PythonPeer> {
      const peer = await startPythonPeer(script);
      peers.push(peer);
      return peer;
    },
    /** Closed after the file's tests. */
    track<T extends zmq.Socket>(socket: T): T {
      sockets.push(socket);
      return socket;
    },
  };
}
