// Topics as a tree: split on the separator the topics themselves use ('.', '/', ':' or none), each node
// with its message count, bytes, recent rate, last-seen time and a summary of the last value. Fed one
// message at a time (incrementally, from the capture store); bounded in nodes, and in characters kept.

export type TopicSeparator = '.' | '/' | ':' | '';

export interface TopicNodeSnapshot {
  /** This level's name ("EURUSD"); the whole topic is `path`. */
  name: string;
  path: string;
  /** Messages whose topic is this path or below it. */
  count: number;
  bytes: number;
  /** Messages a second over the last RATE_SECONDS, this path and below. */
  rate: number;
  lastSeenMs: number;
  /** Summary of the last message whose topic is exactly this path. */
  lastValue?: string;
  /** Sequence number of that message, when given. */
  lastSeq?: number;
  children: TopicNodeSnapshot[];
}

export const RATE_SECONDS = 10;
export const MAX_TOPIC_NODES = 5000;
const MAX_NAME_CHARS = 200;
const MAX_VALUE_CHARS = 120;
const CANDIDATES: TopicSeparator[] = ['/', '.', ':'];
/** Distinct topics looked at before the separator is chosen. */
const DETECT_AFTER = 64;

/**
 * The separator most topics contain (of '/', '.', ':'), or '' when none is in at least half of them.
 * '/' and ':' beat '.' on a tie: "prices/v1.2" is a path with a version, not three levels.
 */
export function detectSeparator(topics: Iterable<string>): TopicSeparator {
  let total = 0;
  const counts = new Map<TopicSeparator, number>();
  for (const topic of topics) {
    total++;
    for (const candidate of CANDIDATES) if (topic.includes(candidate)) counts.set(candidate, (counts.get(candidate) ?? 0) + 1);
  }
  let best: TopicSeparator = '';
  let bestCount = 0;
  for (const candidate of CANDIDATES) {
    const count = counts.get(candidate) ?? 0;
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return bestCount * 2 >= total && bestCount > 0 ? best : '';
}

/** Splits a topic into levels; separators at the ends or doubled make empty levels, which are kept. */
export function splitTopic(topic: string, separator: TopicSeparator): string[] {
  return separator ? topic.split(separator) : [topic];
}

class TopicNode {
  count = 0;
  bytes = 0;
  lastSeenMs = 0;
  lastValue: string | undefined;
  lastSeq: number | undefined;
  readonly children = new Map<string, TopicNode>();
  /** Messages per second for the last RATE_SECONDS seconds, as a ring indexed by second. */
  private readonly perSecond = new Uint32Array(RATE_SECONDS);
  private lastSecond = 0;

  constructor(
    readonly name: string,
    readonly path: string,
  ) {}

  count1(timeMs: number, bytes: number): void {
    this.count++;
    this.bytes += bytes;
    if (timeMs > this.lastSeenMs) this.lastSeenMs = timeMs;
    const second = Math.floor(timeMs / 1000);
    this.roll(second);
    if (second > this.lastSecond - RATE_SECONDS) this.perSecond[second % RATE_SECONDS]++;
  }

  rate(nowMs: number): number {
    this.roll(Math.floor(nowMs / 1000));
    let sum = 0;
    for (const n of this.perSecond) sum += n;
    return sum / RATE_SECONDS;
  }

  /** Clears the seconds that went by since the last message (a later second reuses their slots). */
  private roll(second: number): void {
    if (second <= this.lastSecond) return;
    const steps = Math.min(RATE_SECONDS, second - this.lastSecond);
    for (let i = 1; i <= steps; i++) this.perSecond[(this.lastSecond + i) % RATE_SECONDS] = 0;
    this.lastSecond = second;
  }
}

export class TopicTree {
  private separator: TopicSeparator | undefined;
  private readonly pending: Array<{ topic: string; timeMs: number; bytes: number; value?: string; seq?: number }> = [];
  private readonly sample = new Set<string>();
  private readonly root = new TopicNode('', '');
  private nodes = 0;
  /** Messages whose topic would have made a node past MAX_TOPIC_NODES (counted on the nearest node). */
  overflow = 0;

  /** `separator` fixes it; otherwise it is detected from the first distinct topics. */
  constructor(separator?: TopicSeparator) {
    this.separator = separator;
  }

  get detectedSeparator(): TopicSeparator | undefined {
    return this.separator;
  }

  add(topic: string, timeMs: number, bytes: number, value?: string, seq?: number): void {
    if (topic.length > MAX_NAME_CHARS * 4) topic = topic.slice(0, MAX_NAME_CHARS * 4);
    if (this.separator === undefined) {
      // Until enough distinct topics are seen, messages wait (a few dozen at most).
      this.sample.add(topic);
      this.pending.push({ topic, timeMs, bytes, value, seq });
      if (this.sample.size < DETECT_AFTER && this.pending.length < DETECT_AFTER * 16) return;
      this.settle();
      return;
    }
    this.insert(topic, timeMs, bytes, value, seq);
  }

  /** Picks the separator from what was seen so far (before a snapshot of a small capture). */
  settle(): void {
    if (this.separator !== undefined) return;
    this.separator = detectSeparator(this.sample);
    for (const m of this.pending.splice(0)) this.insert(m.topic, m.timeMs, m.bytes, m.value, m.seq);
    this.sample.clear();
  }

  snapshot(nowMs: number, maxNodes = 2000): TopicNodeSnapshot {
    this.settle();
    let budget = maxNodes;
    const copy = (node: TopicNode): TopicNodeSnapshot => {
      budget--;
      const children: TopicNodeSnapshot[] = [];
      // Busiest first: when the budget runs out, the quiet ones are left out.
      const sorted = [...node.children.values()].sort((a, b) => b.count - a.count);
      for (const child of sorted) {
        if (budget <= 0) break;
        children.push(copy(child));
      }
      children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      return {
        name: node.name,
        path: node.path,
        count: node.count,
        bytes: node.bytes,
        rate: node.rate(nowMs),
        lastSeenMs: node.lastSeenMs,
        ...(node.lastValue !== undefined ? { lastValue: node.lastValue } : {}),
        ...(node.lastSeq !== undefined ? { lastSeq: node.lastSeq } : {}),
        children,
      };
    };
    return copy(this.root);
  }

  private insert(topic: string, timeMs: number, bytes: number, value: string | undefined, seq: number | undefined): void {
    const separator = this.separator ?? '';
    const levels = splitTopic(topic, separator);
    let node = this.root;
    node.count1(timeMs, bytes);
    let path = '';
    for (let i = 0; i < levels.length; i++) {
      path = i === 0 ? levels[0] : `${path}${separator}${levels[i]}`;
      const name = levels[i].slice(0, MAX_NAME_CHARS);
      let child = node.children.get(name);
      if (!child) {
        if (this.nodes >= MAX_TOPIC_NODES) {
          this.overflow++;
          break;
        }
        child = new TopicNode(name, path);
        node.children.set(name, child);
        this.nodes++;
      }
      child.count1(timeMs, bytes);
      node = child;
      if (i === levels.length - 1) {
        if (value !== undefined) node.lastValue = value.slice(0, MAX_VALUE_CHARS);
        if (seq !== undefined) node.lastSeq = seq;
      }
    }
  }
}
