import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose, type DiagnoseInput } from '../../src/core/diagnosis/diagnose';
import { renderDiagnosis, renderFinding } from '../../src/core/diagnosis/diagnosisReport';
import { hexBytes, quotedBytes } from '../../src/core/diagnosis/findings';
import { sessionCause } from '../../src/core/diagnosis/sessionCause';
import { subscriptionFindings } from '../../src/core/diagnosis/subscriptionFindings';
import { SubscriptionMap, subscriptionMapLines } from '../../src/core/diagnosis/subscriptionMap';
import type { TimelineEvent } from '../../src/core/session/sessionMonitor';
import type { ProbeResult } from '../../src/core/zmtp/zmtpProbe';

const b = (text: string) => Buffer.from(text, 'latin1');

function line(type: string, extra: Partial<TimelineEvent> = {}): TimelineEvent {
  return { time: Date.now(), type, severity: 'info', ...extra };
}

test('bytes are shown quoted with escapes and as hex; peer text never becomes markup', () => {
  assert.equal(quotedBytes(b('tick\0')), '"tick\\0"');
  assert.equal(quotedBytes(b('a"b\\\x80\n')), '"a\\"b\\\\\\x80\\n"');
  assert.equal(hexBytes(b('Tick')), '54 69 63 6b');
  assert.match(hexBytes(new Uint8Array(100)), /… \(100 B\)$/);
});

test('a trailing space or newline in a subscription is named with its byte, and the fix trims it', () => {
  const [finding] = subscriptionFindings([b('weather\n')]);
  assert.equal(finding.title, 'The subscription "weather\\n" ends with a newline (0a)');
  assert.match(finding.fix!, /Subscribe to "weather" \(77 65 61 74 68 65 72\) instead/);
  assert.deepEqual(subscriptionFindings([b('')]), [], 'everything: nothing to say');
});

test('the session cause: nothing listening, a peer that hangs up after connecting, and a NULL client hung up on', () => {
  const base = { state: 'retrying' as const, mode: 'connect' as const, connectionCount: 0 };
  assert.equal(
    sessionCause({ ...base, timeline: [line('connect:delay'), line('connect:retry', { repeat: 40 })] })?.text,
    'nothing accepts connections there: is the peer running, on this address?',
  );
  const churn = line('connect → disconnect → connect:retry', {
    cycle: ['connect', 'disconnect', 'connect:retry'],
    repeat: 12,
    firstTime: Date.now() - 5000,
  });
  const cause = sessionCause({ ...base, timeline: [churn] });
  assert.equal(cause?.text, 'the peer hangs up right after connecting: a socket type that cannot talk to ours?');
  assert.match(cause!.since!, /^12 times, /);
  const epipe = line('handshake:error:other', {
    detail: 'The peer hung up during the handshake (EPIPE).',
    severity: 'error',
    failure: { event: 'handshake:error:other', code: 'EPIPE' },
  });
  assert.equal(
    sessionCause({ ...base, timeline: [line('connect'), epipe] })?.text,
    'the peer hangs up during the handshake: it uses CURVE or PLAIN, or is not ZeroMQ?',
  );
  assert.equal(sessionCause({ ...base, state: 'connected', connectionCount: 1, timeline: [epipe, line('handshake')] }), undefined);
});

test("a bound XPUB session's subscription map: holders per prefix, topics nobody takes, and matches counted", () => {
  const map = new SubscriptionMap();
  map.onSubscriptionMessage(b('\x01eur'), 1);
  map.onSubscriptionMessage(b('\x01eur'), 2);
  map.onPublication([b('eur.usd'), b('1.08')], 3);
  map.onPublication([b('gbp.usd'), b('1.27')], 4);
  map.onSubscriptionMessage(b('\x00eur'), 5);
  map.onSubscriptionMessage(b('\x07bad'), 6);
  const snapshot = map.snapshot();
  assert.deepEqual(
    snapshot.prefixes.map((p) => [Buffer.from(p.prefix).toString(), p.holders, p.matched]),
    [['eur', 1, 1]],
  );
  assert.deepEqual(
    snapshot.topics.map((t) => [Buffer.from(t.topic).toString(), t.subscribed, t.unmatched]),
    [
      ['eur.usd', true, 0],
      ['gbp.usd', false, 1],
    ],
  );
  assert.equal(snapshot.unmatchedPublications, 1);
  assert.equal(map.malformed, 1);
  assert.deepEqual(
    subscriptionMapLines(snapshot).map((l) => [l.label, l.description, l.warn]),
    [
      ['"eur" (65 75 72)', '1 subscriber · 1 matched · +2/−1', false],
      ['topic "gbp.usd"', 'no subscriber · 1 message dropped', true],
    ],
  );
});

test('diagnose() orders findings worst first, marks each check, and the report shows checks, fixes and evidence', () => {
  const probe: ProbeResult = {
    address: 'tcp://127.0.0.1:5556',
    kind: 'zmtp3',
    reachable: true,
    version: '3.1',
    mechanism: 'NULL',
    socketType: 'PUSH',
    explanation: 'A PUSH socket.',
  };
  const input: DiagnoseInput = {
    session: {
      name: 'ticks',
      type: 'SUB',
      mode: 'connect',
      addresses: ['tcp://127.0.0.1:5556'],
      state: 'retrying',
      connectionCount: 0,
      counters: { messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0 },
      subscriptions: [],
    },
    timeline: [],
    probes: [probe],
    capture: { dropped: 5, total: 100 },
    nowMs: Date.now(),
  };
  const diagnosis = diagnose(input);
  assert.deepEqual(
    diagnosis.findings.map((f) => [f.severity, f.kind]),
    [
      ['error', 'pairing-invalid'],
      ['error', 'no-subscription'],
      ['info', 'capture-shedding'],
    ],
  );
  assert.equal(diagnosis.summary, 'A SUB cannot talk to the PUSH at tcp://127.0.0.1:5556');
  const statuses = diagnosis.checks.map((c) => `${c.status} ${c.check}`);
  assert.ok(statuses.includes('ok Something is listening at the address'));
  assert.ok(statuses.includes('problem The socket types can talk to each other'));
  assert.ok(statuses.includes('unknown No messages lost, duplicated or late (sequence numbers)'));
  const report = renderDiagnosis('ticks (SUB connect tcp://127.0.0.1:5556)', diagnosis, Date.now());
  assert.match(report, /^Why am I not receiving\? ticks/);
  assert.match(report, /\n✗ A SUB cannot talk to the PUSH at tcp:\/\/127\.0\.0\.1:5556\n/);
  assert.match(report, /\n {2}✗ The socket types can talk to each other\n {6}✗ A SUB cannot talk/);
  assert.match(report, /Fix: Use a socket type that pairs with PUSH: PULL\./);
  assert.match(report, /· probe tcp:\/\/127\.0\.0\.1:5556: ZMTP 3\.1 greeting, mechanism NULL, socket type PUSH/);
});

test('the report wraps long explanations at spaces, never inside quotes or parentheses', () => {
  const detail =
    'Seen on the publisher: ' +
    `${Array.from({ length: 12 }, (_, i) => `"topic.${i}" (74 6f 70 69 63 2e ${i.toString(16).padStart(2, '0')})`).join(', ')}.`;
  const lines = renderFinding({ kind: 'subscription-matches-nothing', severity: 'error', title: 't', detail, evidence: [] });
  assert.ok(lines.length > 3);
  for (const l of lines) assert.ok(l.length <= 130, l);
  for (let i = 0; i < 12; i++)
    assert.ok(lines.some((l) => l.includes(`"topic.${i}" (74 6f 70 69 63 2e ${i.toString(16).padStart(2, '0')})`)));
  assert.equal(lines.slice(1).join(' ').replace(/\s+/g, ' ').replace('Why: ', '').trim(), detail);
});
