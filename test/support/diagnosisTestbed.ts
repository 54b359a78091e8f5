// One diagnosis test file's world: a capture store behind a DiagnosisSink (as in the engine), a
// SessionManager feeding it, and the pyzmq peers and taps the tests start, all closed after the file.
import { after } from 'node:test';
import { CaptureStore } from '../../src/core/capture/captureStore';
import { DiagnosisSink } from '../../src/core/diagnosis/diagnosisSink';
import { SessionManager } from '../../src/core/session/sessionManager';
import type { Tap } from '../../src/core/tap/tap';
import { startPythonPeer, type PythonPeer } from './peers';

export function diagnosisTestbed(limits: { maxMessages: number; maxBytes: number }) {
  const store = new CaptureStore(limits);
  const sink = new DiagnosisSink(store);
  const manager = new SessionManager(sink);
  const peers: PythonPeer[] = [];
  const taps: Tap[] = [];
  after(async () => {
    for (const t of taps) await t.close();
    await manager.dispose();
    for (const p of peers) await p.kill();
  });
  return {
    store,
    sink,
    manager,
    /** A pyzmq peer killed after the file's tests. */
    async python(script: string, args: string[] = []): Promise<PythonPeer> {
      const peer = await startPythonPeer(script, args);
      peers.push(peer);
      return peer;
    },
    /** Closed after the file's tests. */
    track(tap: Tap): Tap {
      taps.push(tap);
      return tap;
    },
  };
}
