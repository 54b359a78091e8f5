// libzmq's high-water marks count messages, not bytes: a receive HWM of 1,000,000 with 8 KiB messages is
// 8 GB of queue outside the JS heap, and a SUB flooded faster than it reads fills it (2.2 GB RSS with a
// 64 MiB capture budget, measured). So receive queues are sized in messages of a typical large size.

/** The message size queues are sized for: big enough that floods of small messages still get a deep queue. */
export const QUEUE_SIZING_MESSAGE_BYTES = 8 * 1024;
/** libzmq's own default: a queue never gets shallower than this. */
const MIN_HIGH_WATER_MARK = 1000;
const MAX_HIGH_WATER_MARK = 1_000_000;
/**
 * What a capturing session's receive queue may hold on top of the capture budget. The engine's RSS must stay
 * within the budget + 150 MiB at any budget, and about 90 MiB of that is Node, the code and zeromq.js
 * buffers waiting for a garbage collection. Measured in a 20 s flood of 8 KiB messages with a 64 MiB budget:
 * a queue as deep as the budget peaked at 231 MiB, half of it at 203 to 216 MiB. 2048 messages still give a
 * reader that stalls for a garbage collection 20 ms of slack at 100,000 messages a second, twice libzmq's
 * default queue.
 */
const MAX_CAPTURE_QUEUE_BYTES = 32 * 1024 * 1024;

/**
 * The receive high-water mark of a capturing session, in messages: a quarter of the budget, at most 32 MiB,
 * at 8 KiB a message (a 64 MiB budget: 2048 messages, a 256 MiB one: 4096).
 */
export function captureHighWaterMarkFor(maxBytes: number | undefined): number {
  if (maxBytes === undefined || !(maxBytes > 0)) return MAX_HIGH_WATER_MARK;
  return clamp(Math.min(maxBytes / 4, MAX_CAPTURE_QUEUE_BYTES) / QUEUE_SIZING_MESSAGE_BYTES);
}

/**
 * The high-water mark of a tap's forwarding sockets, in messages: about the budget again at 8 KiB a message.
 * Deeper than a session's on purpose: a tap stands between live peers, and its queues are their slack; a tap
 * that dropped or pushed back sooner than the direct connection did would change the system it observes.
 */
export function forwardingHighWaterMarkFor(maxBytes: number | undefined): number {
  if (maxBytes === undefined || !(maxBytes > 0)) return MAX_HIGH_WATER_MARK;
  return clamp(maxBytes / QUEUE_SIZING_MESSAGE_BYTES);
}

function clamp(messages: number): number {
  return Math.min(MAX_HIGH_WATER_MARK, Math.max(MIN_HIGH_WATER_MARK, Math.floor(messages)));
}
