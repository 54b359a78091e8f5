// Samples what a publisher sends: a short-lived SUB subscribed to everything connects to the publisher's
// address, counts topics for a moment and closes. A PUB copies to every subscriber, so its real
// subscribers lose nothing. The sample is bounded in time, messages and distinct topics.
import type * as Zmq from 'zeromq';
import { loadZeromq } from '../session/zmqErrors';
import type { TopicSample } from './subscriptionFindings';
import { TopicCatalog } from './topics';

export interface TopicSampleOptions {
  /** How long to listen; default 2000 ms. */
  durationMs?: number;
  /** Stop after this many messages; default 100,000. */
  maxMessages?: number;
  /** Extra socket options, e.g. the session's CURVE client keys. */
  socketOptions?: Record<string, unknown>;
  signal?: AbortSignal;
}

export async function sampleTopics(address: string, options: TopicSampleOptions = {}): Promise<TopicSample> {
  const durationMs = options.durationMs ?? 2000;
  const maxMessages = options.maxMessages ?? 100_000;
  const zmq = loadZeromq();
  const sub = new zmq.Subscriber({ linger: 0, receiveHighWaterMark: 10_000, ...options.socketOptions }) as Zmq.Subscriber;
  const catalog = new TopicCatalog(1000);
  const heads = new Map<string, Uint8Array>();
  let messages = 0;
  const started = Date.now();
  try {
    sub.subscribe();
    sub.connect(address);
    const deadline = started + durationMs;
    const stop = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, durationMs);
      options.signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    let stopped = false;
    void stop.then(() => {
      stopped = true;
      sub.close();
    });
    while (!stopped && messages < maxMessages && Date.now() < deadline) {
      let frames: Buffer[];
      try {
        frames = await sub.receive();
      } catch {
        break;
      }
      messages++;
      const key = catalog.add(frames, Date.now());
      if (key !== undefined && !heads.has(key)) heads.set(key, Uint8Array.from(frames[0]?.subarray(0, 64) ?? []));
    }
  } finally {
    if (!sub.closed) sub.close();
  }
  return {
    topics: catalog.list().map((t) => ({ topic: t.topic, count: t.count, head: heads.get(Buffer.from(t.topic).toString('latin1')) })),
    durationMs: Date.now() - started,
    messages,
    source: `a SUB subscribed to everything at ${address}`,
  };
}
