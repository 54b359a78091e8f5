import assert from 'node:assert/strict';
import { test } from 'node:test';
import { peerTextForUi } from '../../src/core/peerText';
import { SessionMonitor } from '../../src/core/session/sessionMonitor';

/** VS Code's own pattern for links in notification messages (src/vs/base/common/linkedText.ts). */
const VSCODE_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;

test('peer text for the UI: no markdown link, no icon syntax, no control or bidi characters, one line, capped', () => {
  const hostile = '[Sniff](command:workbench.action.closeWindow) $(zap) a\nb\u202e\u0000c';
  const safe = peerTextForUi(hostile);
  assert.equal(safe, '[Sniff] (command:workbench.action.closeWindow) $ (zap) a b c');
  assert.equal(safe.match(VSCODE_LINK), null);
  const long = peerTextForUi('A'.repeat(64 * 1024), 40);
  assert.equal(long.length, 40);
  assert.ok(long.endsWith('…'));
  assert.equal(peerTextForUi('DEALER'), 'DEALER');
  // A cut never leaves half of a surrogate pair.
  assert.equal(peerTextForUi('x'.repeat(8) + '😀😀', 10), 'x'.repeat(8) + '…');
});

test('a routing id and a timeline detail from a peer are kept as safe text (tree labels, descriptions)', () => {
  const monitor = new SessionMonitor('ROUTER');
  monitor.noteRoutingId(Buffer.from('[x](command:zeromq.removeTap)'));
  const [peer] = monitor.routingPeers.values();
  assert.equal(peer.idText, '[x] (command:zeromq.removeTap)');
  monitor.record({ type: 'auth', detail: `denied PLAIN user "[x](https://evil.example)${'u'.repeat(5000)}"`, severity: 'warning' });
  const detail = monitor.timeline().at(-1)!.detail!;
  assert.equal(detail.match(VSCODE_LINK), null);
  assert.ok(detail.length <= 1000);
});

test('a CURVE key holding `](` or `$(` is shown as it is: only what VS Code would render as a link or an icon is broken', () => {
  // Z85 keys hold all of `]`, `(`, `$`: about one key in a hundred holds one of these pairs (the integration
  // tests' random keys met it about once in fifteen runs), and a user copies the key from these lines.
  const keys = ['rq:rM>}U?@Lns47E1%kR.o@n](FcmmsL/@{H8y7w', 'Yne@$w-vo<fVvi]:{$(&=4^+[nT-&6jQ!T9Z/r4P'];
  for (const key of keys) {
    assert.equal(peerTextForUi(`denied CURVE key ${key} (400)`, 1000), `denied CURVE key ${key} (400)`);
    const monitor = new SessionMonitor('ROUTER');
    monitor.record({ type: 'security', detail: `it uses a server public key other than ours (ours is ${key})`, severity: 'error' });
    assert.ok(monitor.timeline().at(-1)!.detail!.includes(`ours is ${key}`));
  }
  // Every form a link or an icon takes in VS Code is still broken.
  for (const hostile of ['[x](command:a.b)', '[x](https://e.example)', '[x]( file:///etc)', '[x](<command:a>)', '[x](vscode:x)']) {
    const safe = peerTextForUi(hostile);
    assert.match(safe, /\] \(/, hostile);
    assert.equal(safe.match(VSCODE_LINK), null, hostile);
  }
  assert.equal(peerTextForUi('$(zap) $(sync~spin) $(ok'), '$ (zap) $ (sync~spin) $(ok');
});
