// The subscription map of a pub-sub tap or a bound XPUB session: which prefixes are subscribed (how many
// subscribers hold each), when they (un)subscribe, which published topics reach nobody, which prefixes
// never match, and how many matching messages had gone by before a subscriber arrived (a late joiner).
// libzmq's XPUB does not say which peer sent a subscription, so holders are counted, not named.
import { formatCount, hexBytes, plural, quotedBytes } from './findings';
import { isPrefix, keyBytes, topicBytesOf, topicKey } from './topics';

export interface SubscriptionChange {
  timeMs: number;
  subscribe: boolean;
  prefix: Uint8Array;
  /** Subscribers holding the prefix after this change. */
  holders: number;
  /** Subscribe only: messages matching the prefix that had gone through before it (the joiner missed them). */
  publishedBefore?: number;
}

export interface PrefixEntry {
  prefix: Uint8Array;
  holders: number;
  subscribes: number;
  unsubscribes: number;
  firstMs: number;
  lastChangeMs: number;
  /** Publications seen that match it. */
  matched: number;
}

export interface TopicEntry {
  topic: Uint8Array;
  count: number;
  lastMs: number;
  /** Whether some held prefix matches it now. */
  subscribed: boolean;
  /** Publications of it seen while no held prefix matched. */
  unmatched: number;
}

export interface SubscriptionMapSnapshot {
  prefixes: PrefixEntry[];
  topics: TopicEntry[];
  /** Recent (un)subscriptions, oldest first. */
  changes: SubscriptionChange[];
  publications: number;
  /** Publications no held prefix matched (a tap only sees what the publisher sends, i.e. what someone subscribed). */
  unmatchedPublications: number;
}

const MAX_PREFIXES = 1000;
const MAX_TOPICS = 1000;
const MAX_CHANGES = 500;

interface TopicState {
  count: number;
  lastMs: number;
  unmatched: number;
  /** Prefix keys matching it, computed for `version`. */
  matches: PrefixEntry[];
  version: number;
}

export class SubscriptionMap {
  private readonly prefixes = new Map<string, PrefixEntry>();
  private readonly topics = new Map<string, TopicState>();
  private readonly changeList: SubscriptionChange[] = [];
  private version = 0;
  private publications = 0;
  private unmatchedPublications = 0;
  /** Malformed subscription messages (neither 0x00 nor 0x01 first). */
  malformed = 0;

  /** A subscription message as XPUB delivers it: 0x01 (subscribe) or 0x00 (cancel), then the prefix. */
  onSubscriptionMessage(frame: Uint8Array, timeMs: number): void {
    if (!frame.length || frame[0] > 1) {
      this.malformed++;
      return;
    }
    const subscribe = frame[0] === 1;
    const prefix = frame.subarray(1);
    const key = topicKey(prefix);
    let entry = this.prefixes.get(key);
    if (!entry) {
      if (this.prefixes.size >= MAX_PREFIXES) return;
      entry = {
        prefix: Uint8Array.from(prefix),
        holders: 0,
        subscribes: 0,
        unsubscribes: 0,
        firstMs: timeMs,
        lastChangeMs: timeMs,
        matched: 0,
      };
      this.prefixes.set(key, entry);
    }
    let publishedBefore: number | undefined;
    if (subscribe) {
      entry.subscribes++;
      entry.holders++;
      publishedBefore = 0;
      for (const [topic, state] of this.topics) if (isPrefix(entry.prefix, keyBytes(topic))) publishedBefore += state.count;
    } else {
      entry.unsubscribes++;
      entry.holders = Math.max(0, entry.holders - 1);
    }
    entry.lastChangeMs = timeMs;
    this.version++;
    this.changeList.push({ timeMs, subscribe, prefix: entry.prefix, holders: entry.holders, publishedBefore });
    if (this.changeList.length > MAX_CHANGES) this.changeList.shift();
  }

  /** A message published towards the subscribers. */
  onPublication(frames: readonly Uint8Array[], timeMs: number): void {
    this.publications++;
    const bytes = topicBytesOf(frames);
    const key = topicKey(bytes);
    let state = this.topics.get(key);
    if (!state) {
      if (this.topics.size >= MAX_TOPICS) return;
      state = { count: 0, lastMs: timeMs, unmatched: 0, matches: [], version: -1 };
      this.topics.set(key, state);
    }
    state.count++;
    state.lastMs = timeMs;
    if (state.version !== this.version) {
      state.matches = [];
      // A publication reaches a subscriber when a prefix is a prefix of its frame 0.
      for (const entry of this.prefixes.values())
        if (entry.holders > 0 && isPrefix(entry.prefix, frames[0] ?? bytes)) state.matches.push(entry);
      state.version = this.version;
    }
    if (!state.matches.length) {
      state.unmatched++;
      this.unmatchedPublications++;
    }
    for (const entry of state.matches) entry.matched++;
  }

  snapshot(): SubscriptionMapSnapshot {
    const held = [...this.prefixes.values()].filter((p) => p.holders > 0);
    return {
      prefixes: [...this.prefixes.values()].map((p) => ({ ...p })),
      topics: [...this.topics].map(([key, t]) => {
        const topic = keyBytes(key);
        return { topic, count: t.count, lastMs: t.lastMs, unmatched: t.unmatched, subscribed: held.some((p) => isPrefix(p.prefix, topic)) };
      }),
      changes: [...this.changeList],
      publications: this.publications,
      unmatchedPublications: this.unmatchedPublications,
    };
  }
}

export interface MapLine {
  label: string;
  description: string;
  warn: boolean;
}

/** The map as lines for a tree: held prefixes (bytes as text and hex), then topics nobody takes. Bounded. */
export function subscriptionMapLines(snapshot: SubscriptionMapSnapshot, limit = 50): MapLine[] {
  const lines: MapLine[] = [];
  const prefixes = [...snapshot.prefixes].sort((a, b) => b.holders - a.holders || b.matched - a.matched);
  for (const p of prefixes.slice(0, limit)) {
    const who = p.holders ? `${formatCount(p.holders)} subscriber${p.holders === 1 ? '' : 's'}` : 'no subscriber now';
    const matched = p.matched ? `${formatCount(p.matched)} matched` : p.holders ? 'never matched' : '';
    lines.push({
      label: p.prefix.length ? `${quotedBytes(p.prefix)} (${hexBytes(p.prefix)})` : '"" (everything)',
      description: [who, matched, `+${p.subscribes}/−${p.unsubscribes}`].filter(Boolean).join(' · '),
      warn: p.holders > 0 && p.matched === 0,
    });
  }
  for (const t of snapshot.topics.filter((t) => !t.subscribed && t.unmatched > 0).slice(0, limit)) {
    lines.push({
      label: `topic ${quotedBytes(t.topic)}`,
      description: `no subscriber · ${plural(t.unmatched, 'message')} dropped`,
      warn: true,
    });
  }
  return lines;
}
