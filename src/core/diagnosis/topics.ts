// Topics as ZeroMQ matches them: a subscription is a byte prefix of frame 0. A message's "topic" for display
// and counting is frame 0 of a multipart message, or of a one-frame message its first word.

const MAX_TOPIC_BYTES = 64;

/** The bytes that name a message's topic (a view, not a copy). */
export function topicBytesOf(frames: readonly Uint8Array[]): Uint8Array {
  const first = frames[0];
  if (!first) return new Uint8Array(0);
  if (frames.length > 1) return first.length > MAX_TOPIC_BYTES ? first.subarray(0, MAX_TOPIC_BYTES) : first;
  // "weather.paris 21.5" or "tick|{...}": the topic ends at the first space, NUL, '|' or '{'.
  const limit = Math.min(first.length, MAX_TOPIC_BYTES);
  let end = 0;
  while (end < limit && first[end] !== 0x20 && first[end] !== 0 && first[end] !== 0x7c && first[end] !== 0x7b) end++;
  return first.subarray(0, end);
}

export function topicKey(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

export function keyBytes(key: string): Uint8Array {
  return Buffer.from(key, 'latin1');
}

export function isPrefix(prefix: Uint8Array, bytes: Uint8Array): boolean {
  if (prefix.length > bytes.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== bytes[i]) return false;
  return true;
}

function lowerAscii(b: number): number {
  return b >= 0x41 && b <= 0x5a ? b + 32 : b;
}

export function isPrefixIgnoringCase(prefix: Uint8Array, bytes: Uint8Array): boolean {
  if (prefix.length > bytes.length) return false;
  for (let i = 0; i < prefix.length; i++) if (lowerAscii(prefix[i]) !== lowerAscii(bytes[i])) return false;
  return true;
}

/** Topics seen, with counts and times, bounded: past the limit new topics are counted together. */
export class TopicCatalog {
  private readonly topics = new Map<string, { count: number; firstMs: number; lastMs: number }>();
  /** Messages whose topic was not kept (the catalog was full). */
  overflow = 0;
  total = 0;

  constructor(private readonly limit = 1000) {}

  add(frames: readonly Uint8Array[], timeMs: number): string | undefined {
    this.total++;
    const key = topicKey(topicBytesOf(frames));
    const entry = this.topics.get(key);
    if (entry) {
      entry.count++;
      entry.lastMs = timeMs;
      return key;
    }
    if (this.topics.size >= this.limit) {
      this.overflow++;
      return undefined;
    }
    this.topics.set(key, { count: 1, firstMs: timeMs, lastMs: timeMs });
    return key;
  }

  list(): Array<{ topic: Uint8Array; count: number; firstMs: number; lastMs: number }> {
    return [...this.topics].map(([key, v]) => ({ topic: keyBytes(key), ...v })).sort((a, b) => b.count - a.count);
  }

  get size(): number {
    return this.topics.size;
  }
}
