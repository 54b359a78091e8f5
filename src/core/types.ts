// Contracts shared across the core: captured messages, decoders and filters.
// Kept free of implementation so every part of the core (and the webview protocol) can import it.

export type SocketTypeName = 'PAIR' | 'PUB' | 'SUB' | 'REQ' | 'REP' | 'DEALER' | 'ROUTER' | 'PULL' | 'PUSH' | 'XPUB' | 'XSUB' | 'STREAM';

export type Direction = 'in' | 'out';

/** One captured multipart message, materialized from the capture store on demand. */
export interface CaptureRecord {
  seq: number;
  /** Wall-clock time in nanoseconds since the Unix epoch. */
  timeNs: bigint;
  sessionId: string;
  direction: Direction;
  /** Frame bytes as stored: a frame larger than the store's per-frame limit is truncated. */
  frames: Uint8Array[];
  /** True size of each frame on the wire (differs from frames[i].length when truncated). */
  frameSizes: number[];
  /** Frame 0 is the routing id (ROUTER in, or ROUTER out). */
  hasRoutingId: boolean;
  /** Frame 0 is the topic (SUB/XSUB/PUB/XPUB). */
  hasTopic: boolean;
  /** Free text attached at capture time, e.g. the tap the message passed through. */
  tag?: string;
}

export interface AppendOptions {
  timeNs?: bigint;
  hasRoutingId?: boolean;
  hasTopic?: boolean;
  tag?: string;
}

/** A query over the capture store; every field that is set must match. */
export interface CaptureFilter {
  sessionIds?: string[];
  direction?: Direction;
  /** Prefix of frame 0 (topic or routing id), as bytes. */
  topicPrefix?: Uint8Array;
  /** Bytes that must occur inside some frame (text filters are encoded as UTF-8 by the caller). */
  contains?: Uint8Array;
  /** Case-insensitive ASCII match of `contains` (for text search). */
  ignoreCase?: boolean;
}

export interface CaptureStats {
  /** Messages ever appended (including dropped ones). */
  total: number;
  retained: number;
  /** Memory the retained messages hold: payload, frame headers and per-message metadata (what maxBytes bounds). */
  retainedBytes: number;
  /** Evicted because the message or byte budget was full. */
  dropped: number;
  /** What the dropped messages held, counted as retainedBytes is. */
  droppedBytes: number;
  /** Of the dropped: messages bigger than the whole budget, dropped on arrival. */
  oversized: number;
  oversizedBytes: number;
  /** Frames cut to the per-frame limit (their true size is kept). */
  truncatedFrames: number;
  firstSeq: number;
  lastSeq: number;
}

// ---- decoders ----

export interface DecodeContext {
  sessionId?: string;
  socketType?: SocketTypeName;
  frameIndex: number;
  frameCount: number;
  /** Frame 0 as text, when the message has a topic. */
  topic?: string;
  /** The frame's true size when the bytes passed in are truncated. */
  trueSize?: number;
  /**
   * 'summary': only the one-line summary is wanted (a list row), so a decoder may skip its tree and text.
   * Absent: the whole result (the message's detail).
   */
  purpose?: 'summary';
}

/** A decoded value as a tree the inspector can render (JSON tree, protobuf fields, ...). */
export interface DecodedNode {
  /** Field name or array index; absent at the root. */
  key?: string;
  /** 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null' | 'bytes' | 'message' | ... */
  type: string;
  /** Rendered scalar value (always text; the webview inserts it as text). */
  value?: string;
  children?: DecodedNode[];
}

export type DecodeResult =
  | { ok: true; decoderId: string; summary: string; text?: string; tree?: DecodedNode; warning?: string }
  | { ok: false; decoderId: string; error: string };

export interface Decoder {
  readonly id: string;
  readonly label: string;
  /** 0 (cannot) .. 1 (certain). Must be cheap: it runs during auto-detection. Never throws. */
  canDecode(frame: Uint8Array, context: DecodeContext): number;
  /** Never throws: failures are `{ ok: false, error }`. */
  decode(frame: Uint8Array, context: DecodeContext): DecodeResult;
}
