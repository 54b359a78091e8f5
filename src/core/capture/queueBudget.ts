// libzmq's high-water marks count messages, not bytes: a receive HWM of 1,000,000 with 8 KiB messages is
// 8 GB of queue outside the JS heap, and a SUB flooded faster than it reads fills it (2.2 GB RSS with a
// 64 MiB capture budget, measured). So the receive HWM of sessions and taps is sized from the capture's
// byte budget: a full queue of typical large messages holds about the budget again.

/** The message size the queue is sized for: big enough that floods of small messages still get a deep queue. */
export const QUEUE_SIZING_MESSAGE_BYTES = 8 * 1024;
/** libzmq's own default: a queue never gets shallower than this. */
const MIN_HIGH_WATER_MARK = 1000;
const MAX_HIGH_WATER_MARK = 1_000_000;

/** The receive (and tap forwarding) high-water mark, in messages, for a capture budget of `maxBytes`. */
export function highWaterMarkFor(maxBytes: number | undefined): number {
  if (maxBytes === undefined || !(maxBytes > 0)) return MAX_HIGH_WATER_MARK;
  return Math.min(MAX_HIGH_WATER_MARK, Math.max(MIN_HIGH_WATER_MARK, Math.floor(maxBytes / QUEUE_SIZING_MESSAGE_BYTES)));
}
