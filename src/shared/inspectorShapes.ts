// The data shapes of the Message Inspector's conversation (rows, message details, topic trees, diffs),
// apart from the messages that carry them (inspectorProtocol.ts). Nothing here may touch DOM or Node APIs.
import type { TopicNodeSnapshot } from '../core/topics/topicTree';
import type { Direction } from '../core/types';

export interface SessionInfo {
  id: string;
  name: string;
  type: string;
  open: boolean;
}

export interface DecoderInfo {
  id: string;
  label: string;
}

/** What the user typed and picked; the host turns it into a CaptureFilter. */
export interface FilterSpec {
  /** Free text searched in every frame; `topic:PREFIX` terms set the topic prefix. */
  text: string;
  /** Empty: all sessions. */
  sessionId: string;
  direction: '' | Direction;
  /** Topic (frame 0) prefix; `hex:0a0b` for bytes. Overrides a `topic:` term in the text. */
  topic: string;
  /** A field expression, e.g. `topic ^= "ticks." && $.price > 100`. */
  expression?: string;
  /** Names of the filter presets switched on; absent: those the settings enable by default. */
  presets?: string[];
}

/** A saved filter expression (setting zeromq.filters.presets). */
export interface FilterPresetInfo {
  name: string;
  expression: string;
  /** On by default. */
  enabled: boolean;
}

export interface CaptureStatsView {
  total: number;
  retained: number;
  dropped: number;
  droppedBytes: number;
  truncatedFrames: number;
}

/**
 * A window of list rows as parallel arrays (one postMessage per window, not per message).
 * Positions are absolute: list index + rows evicted from the front since the filter was set, so a
 * position keeps naming the same row while old messages are dropped.
 */
export interface RowWindow {
  filterGeneration: number;
  /** Absolute position of the first row of the window. */
  absStart: number;
  seqs: number[];
  /** Milliseconds since the Unix epoch, with microseconds as the fraction. */
  timesMs: number[];
  sessionNames: string[];
  /** One char per row: 'i' (in) or 'o' (out). */
  directions: string;
  /** Topic, or the first payload frame's one-line summary. */
  summaries: string[];
  frameCounts: number[];
  /** Total bytes on the wire (true sizes). */
  sizes: number[];
  /** Each message's own sequence number (null: not tracked or unreadable); only while tracking is on. */
  sequenceValues?: (number | null)[];
}

/**
 * Sequence gaps of the current filter's list: each marker row stands above the message at the same
 * index of `positions` (absolute positions, as in RowWindow), in the host's filter generation.
 */
export interface GapMarkersView {
  filterGeneration: number;
  positions: number[];
  texts: string[];
}

/** Rows the user selected in the list: inclusive ranges of absolute positions, in the host's filter generation. */
export interface ListSelectionSpec {
  filterGeneration: number;
  ranges: [number, number][];
}

/** How selected messages are copied: one line each (frames as text, or as hex), or capture JSON Lines. */
export type SelectionCopyFormat = 'text' | 'hex' | 'jsonl';

export type FrameLabel = 'routing id' | 'empty delimiter' | 'topic';

export interface HexRow {
  offset: number;
  hex: string;
  ascii: string;
}

/** A decoded value as a tree: plain data mirroring core's DecodedNode (the webview imports types from core, never code). */
export interface DecodedTreeNode {
  key?: string;
  type: string;
  value?: string;
  children?: DecodedTreeNode[];
}

export interface DecodedFrame {
  decoderId: string;
  /** True when the user (or a rule) chose the decoder, false when auto-detected. */
  pinned: boolean;
  ok: boolean;
  summary?: string;
  text?: string;
  tree?: DecodedTreeNode;
  warning?: string;
  error?: string;
}

export interface FrameDetail {
  index: number;
  /** Bytes stored (possibly truncated). */
  size: number;
  /** Bytes on the wire. */
  trueSize: number;
  label?: FrameLabel;
  /** The frame as text when it is printable UTF-8 (topics, routing ids), else undefined. */
  asText?: string;
  decoded: DecodedFrame;
  /** The first bytes as hex rows; `hexTruncated` says more bytes exist. */
  hexRows: HexRow[];
  hexTruncated: boolean;
}

export interface MessageDetail {
  seq: number;
  timeMs: number;
  sessionId: string;
  sessionName: string;
  socketType: string;
  direction: Direction;
  tag?: string;
  /** Frame 0 of a topic message, as text (its first KiB) or hex. */
  topic?: string;
  /** Frames in the message; `frames` holds the first ones, decoded (GetFrames asks for the others). */
  frameCount: number;
  /** Bytes on the wire, every frame. */
  totalBytes: number;
  frames: FrameDetail[];
}

export type CopyFormat = 'text' | 'hex' | 'base64' | 'json';

/** A topic level, as the core's topic tree snapshots it. */
export type TopicNodeView = TopicNodeSnapshot;

export interface TopicTreeView {
  /** '.', '/', ':' or '' (topics not split). */
  separator: string;
  root: TopicNodeView;
  /** False while older messages are still being counted. */
  complete: boolean;
}

/** A frame compared (mirrors core FrameDiff). */
export interface FrameDiffView {
  index: number;
  kind: 'fields' | 'text' | 'bytes' | 'only-left' | 'only-right';
  same: boolean;
  fields?: { op: 'changed' | 'added' | 'removed'; path: string; before?: string; after?: string }[];
  runs?: { op: 'same' | 'added' | 'removed'; text: string }[];
  note?: string;
}

export interface MessageDiffView {
  leftSeq: number;
  rightSeq: number;
  frames: FrameDiffView[];
}

/** A decoder rule as the inspector proposes it ("use for this topic/frame from now on"). */
export interface RuleProposal {
  decoder: string;
  /** Session name (rules key sessions by name, which survives restarts). */
  session?: string;
  topicPrefix?: string;
  frameIndex?: number;
}
