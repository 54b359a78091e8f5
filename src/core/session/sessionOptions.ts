// What a session is opened with, and the libzmq socket options they become: queues sized from the capture
// budget, sends that never block inside zeromq.js, a bounded reconnect back-off.
import { captureHighWaterMarkFor } from '../capture/queueBudget';
import { parsePrefix } from './prefixBytes';
import { socketTypeInfo } from './socketTypes';
import type { AppendOptions, Direction, SocketTypeName } from '../types';

/** Where captured messages go (the CaptureStore implements it). */
export interface CaptureSink {
  append(sessionId: string, direction: Direction, frames: Uint8Array[], options?: AppendOptions): number;
  /**
   * The capture's byte budget: receive queues are sized from it. Required (undefined: no budget) so that a sink
   * wrapping another passes it on: one that did not left every session's queue at 1,000,000 messages.
   */
  readonly maxBytes: number | undefined;
}

export interface SessionOptions {
  /** Unique id; the SessionManager assigns one when absent. */
  id?: string;
  name: string;
  type: SocketTypeName;
  mode: 'bind' | 'connect';
  addresses: string[];
  /** SUB/XSUB prefixes: text, or `hex:0a0b...` for bytes. Default for SUB: everything (""). */
  subscriptions?: string[];
  /** ZMQ_ROUTING_ID of this socket (text or hex:...). */
  routingId?: string;
  /**
   * Messages libzmq queues before it drops (SUB) or pushes back (PULL, DEALER...). Default: sized from the
   * capture's byte budget (see queueBudget.ts), at least libzmq's 1000.
   */
  receiveHighWaterMark?: number;
  sendHighWaterMark?: number;
  /** Default 0: closing a session never waits for unsent messages. */
  linger?: number;
  reconnectInterval?: number;
  /** Upper bound of the exponential reconnect backoff, ms. Default 2000. */
  reconnectMaxInterval?: number;
  /** Extra socket options (CURVE, PLAIN, ...) applied as-is, after the ones above. */
  socketOptions?: Record<string, unknown>;
}

export type ReceiveWaiter = (frames: Uint8Array[], seq: number) => void;

export interface SendOptions {
  /** ROUTER/STREAM: the peer to send to (else frames[0]). */
  routingId?: Uint8Array;
  /** REQ: how long to wait for the reply (default 10 s). */
  replyTimeoutMs?: number;
  /** How long the message may wait for a peer to take it (default 5 s); then nothing is sent and the send rejects. */
  sendTimeoutMs?: number;
  /** Cancels the send (and a REQ's wait for its reply): nothing is sent after it. */
  signal?: AbortSignal;
}

export const DEFAULT_SEND_TIMEOUT_MS = 5000;

/** The socket options for a session (the caller's `socketOptions` applied last, as they are). */
export function socketOptionsFor(options: SessionOptions, captureMaxBytes: number | undefined): Record<string, unknown> {
  const info = socketTypeInfo(options.type);
  const socketOptions: Record<string, unknown> = { linger: options.linger ?? 0 };
  socketOptions.receiveHighWaterMark = options.receiveHighWaterMark ?? captureHighWaterMarkFor(captureMaxBytes);
  if (options.sendHighWaterMark !== undefined) socketOptions.sendHighWaterMark = options.sendHighWaterMark;
  // Sends never block inside zeromq.js: send() retries EAGAIN itself, under a deadline and a cancel.
  if (info.flow !== 'receive') socketOptions.sendTimeout = 0;
  if (options.reconnectInterval !== undefined) socketOptions.reconnectInterval = options.reconnectInterval;
  // Back off to one retry every 2 s when a peer stays away (libzmq's default retries 10 times a second forever).
  socketOptions.reconnectMaxInterval = options.reconnectMaxInterval ?? 2000;
  if (options.routingId) socketOptions.routingId = parsePrefix(options.routingId).toString('latin1');
  if (options.type === 'ROUTER') socketOptions.mandatory = true;
  // A diagnostics REQ must survive a service that never answers: relaxed lets it send again.
  if (options.type === 'REQ') Object.assign(socketOptions, { relaxed: true, correlate: true });
  Object.assign(socketOptions, options.socketOptions);
  return socketOptions;
}
