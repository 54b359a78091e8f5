// Findings about a subscriber's subscriptions against the topics its publisher actually sends: none at
// all, a trailing NUL or whitespace, a prefix that matches nothing, one that differs only in case, one
// that matches more than meant. Bytes are shown in hex: the difference is often invisible as text.
import { bytesEvidence, formatSeconds, plural, quotedBytes, hexBytes, type Evidence, type Finding } from './findings';
import { isPrefix, isPrefixIgnoringCase } from './topics';

export interface SeenTopic {
  /** The topic as shown (frame 0, or the first word of a one-frame message). */
  topic: Uint8Array;
  /** The start of frame 0 as sent (what a subscription prefix is matched against). */
  head?: Uint8Array;
  count: number;
}

export interface TopicSample {
  topics: SeenTopic[];
  /** How long the sample listened. */
  durationMs: number;
  messages: number;
  /** Where the topics were seen, e.g. "a probe SUB subscribed to everything at tcp://...". */
  source: string;
}

const TRAILING: Record<number, string> = {
  0x00: 'a NUL byte',
  0x20: 'a space',
  0x0a: 'a newline',
  0x0d: 'a carriage return',
  0x09: 'a tab',
};
const SEPARATORS = new Set([0x2e, 0x2f, 0x3a, 0x7c, 0x20, 0x2d, 0x5f, 0x00]);
const TOPICS_LISTED = 8;

export function subscriptionFindings(subscriptions: readonly Uint8Array[], sample?: TopicSample): Finding[] {
  const findings: Finding[] = [];
  if (!subscriptions.length) {
    findings.push({
      kind: 'no-subscription',
      severity: 'error',
      title: 'This SUB has no subscription, so it receives nothing',
      detail:
        'A SUB socket starts with no subscription; the publisher sends it only messages whose frame 0 starts with one of its subscriptions.',
      fix: 'Subscribe to "" for everything, or to the topic prefix you want (ZMQ_SUBSCRIBE / socket.subscribe(...)).',
      evidence: [{ kind: 'counter', name: 'subscriptions', value: 0, text: 'subscriptions: none' }],
      numbers: { subscriptions: 0 },
    });
    return findings;
  }
  for (const sub of subscriptions) {
    const last = sub[sub.length - 1];
    if (sub.length > 0 && TRAILING[last] !== undefined) {
      const cause =
        last === 0
          ? 'C code that passes strlen(topic) + 1 or sizeof(topic) subscribes to the string terminator ' +
            'too; topics that continue after the name, or end there, do not have a NUL at that place.'
          : 'Whitespace at the end usually comes from text read from a file, a setting or the command line.';
      findings.push({
        kind: 'subscription-trailing-bytes',
        severity: 'warning',
        title: `The subscription ${quotedBytes(sub)} ends with ${TRAILING[last]} (${last.toString(16).padStart(2, '0')})`,
        detail: cause,
        fix: `Subscribe to ${quotedBytes(trimEnd(sub))} (${hexBytes(trimEnd(sub))}) instead, unless the topics really carry that byte.`,
        evidence: [bytesEvidence('subscription', sub)],
      });
    }
  }
  if (!sample) return findings;
  if (!sample.topics.length) return findings;
  const everything = subscriptions.some((s) => s.length === 0);
  if (everything) return findings;
  const matchedBy = (sub: Uint8Array) => sample.topics.filter((t) => isPrefix(sub, t.head ?? t.topic));
  const received = sample.topics.filter((t) => subscriptions.some((s) => isPrefix(s, t.head ?? t.topic)));
  const topicsText = sample.topics.slice(0, TOPICS_LISTED).map((t) => `${quotedBytes(t.topic)} (${hexBytes(t.topic)})`);
  const sampleEvidence: Evidence[] = sample.topics
    .slice(0, TOPICS_LISTED)
    .map((t) => ({ ...bytesEvidence(`topic seen ${t.count}×:`, t.topic) }));
  for (const sub of subscriptions) {
    const matches = matchedBy(sub);
    if (!matches.length) {
      const trimmed = trimEnd(sub);
      const withoutTrailing = trimmed.length < sub.length ? sample.topics.filter((t) => isPrefix(trimmed, t.head ?? t.topic)) : [];
      const caseOnly = sample.topics.filter((t) => isPrefixIgnoringCase(sub, t.head ?? t.topic));
      const hints = [
        withoutTrailing.length
          ? `Without its trailing ${TRAILING[sub[sub.length - 1]]} it would match ${withoutTrailing.map((t) => quotedBytes(t.topic)).join(', ')}.`
          : '',
        caseOnly.length
          ? `Ignoring case it would match ${caseOnly.map((t) => quotedBytes(t.topic)).join(', ')}: subscriptions are case-sensitive.`
          : '',
      ].filter(Boolean);
      findings.push({
        kind: 'subscription-matches-nothing',
        severity: 'error',
        title: `The subscription ${quotedBytes(sub)} (${hexBytes(sub)}) matches none of the ${plural(sample.topics.length, 'topic')} the publisher sent`,
        detail:
          `Seen on the publisher in ${formatSeconds(sample.durationMs)} (${sample.source}): ` +
          `${topicsText.join(', ')}${sample.topics.length > TOPICS_LISTED ? ', …' : ''}. ` +
          `A subscription matches when it is a byte-for-byte prefix of frame 0. ${hints.join(' ')}`.trim(),
        fix: 'Subscribe to a prefix of the topics above (compare the hex), or to "" for everything.',
        evidence: [bytesEvidence('subscription', sub), ...sampleEvidence],
        numbers: { topicsSeen: sample.topics.length, matched: 0 },
      });
    }
  }
  // Topics no subscription takes, that one would take if not for case: a likely typo.
  for (const topic of sample.topics) {
    if (received.includes(topic)) continue;
    const near = subscriptions.find((s) => s.length && isPrefixIgnoringCase(s, topic.head ?? topic.topic));
    if (!near || !matchedBy(near).length) continue;
    findings.push({
      kind: 'subscription-case-mismatch',
      severity: 'warning',
      title: `Topic ${quotedBytes(topic.topic)} (${hexBytes(topic.topic)}) is not received: it differs from the subscription ${quotedBytes(near)} only in case`,
      detail: 'Subscriptions are case-sensitive byte prefixes.',
      fix: `Subscribe to ${quotedBytes(topic.topic)} too if you want it.`,
      evidence: [bytesEvidence('subscription', near), bytesEvidence(`topic seen ${topic.count}×:`, topic.topic)],
    });
  }
  // A prefix taking topics that merely start like it ("tick" takes "ticks."): fine if meant, a surprise if not.
  for (const sub of subscriptions) {
    const longer = matchedBy(sub).filter(
      (t) => t.topic.length > sub.length && !SEPARATORS.has(sub[sub.length - 1]) && !SEPARATORS.has(t.topic[sub.length]),
    );
    if (!longer.length) continue;
    findings.push({
      kind: 'subscription-prefix-overmatch',
      severity: 'info',
      title: `The subscription ${quotedBytes(sub)} also takes ${longer.map((t) => quotedBytes(t.topic)).join(', ')}: subscriptions match by prefix`,
      detail: "Every topic that starts with the subscription's bytes is received, including longer names.",
      fix:
        'If you meant only one topic, end the subscription with the separator your topics use (e.g. ' +
        '"tick."), or send the topic in its own frame and subscribe to the whole frame plus nothing else.',
      evidence: [
        bytesEvidence('subscription', sub),
        ...longer.slice(0, TOPICS_LISTED).map((t) => bytesEvidence(`topic seen ${t.count}×:`, t.topic)),
      ],
    });
  }
  return findings;
}

function trimEnd(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  while (end > 0 && TRAILING[bytes[end - 1]] !== undefined) end--;
  return bytes.subarray(0, end);
}
