// Turns captured records into what the inspector shows: one-line row summaries (decoded lazily, only
// for rows in view, and cached), the selected message's frames with decoded views and hex rows, and
// the text the copy buttons put on the clipboard.
import { hexRows, type DecoderRegistry } from '../core/decoders';
import { utf8Prefix } from '../core/decoders/textDecoder';
import type { CaptureRecord, DecodeContext, DecodeResult, DecodedNode, SocketTypeName } from '../core/types';
import type { CopyFormat, DecodedFrame, DecodedTreeNode, FrameDetail, FrameLabel, MessageDetail } from '../shared/inspectorProtocol';

/** The part of the DecoderRegistry the inspector uses. */
export type DecoderSource = Pick<DecoderRegistry, 'list' | 'decodeFrame'>;

/** Where session names and socket types come from (SessionManager), remembered after a session closes. */
export interface SessionSource {
  get(id: string): { readonly name: string; readonly type: SocketTypeName | '?' } | undefined;
}

const SUMMARY_CHARS = 160;
/** Row summaries decode at most this much of a frame: a row needs a line, not a 1 MiB parse. */
const SUMMARY_DECODE_BYTES = 16 * 1024;
/** A topic or routing id is shown (and matched by decoder rules) by this many bytes at most. */
const LABEL_BYTES = 1024;
/** The detail decodes the first frames up to this many (or these many bytes), the rest when asked for. */
export const DETAIL_BATCH_FRAMES = 32;
const DETAIL_BATCH_BYTES = 1024 * 1024;
const SUMMARY_CACHE_LIMIT = 20_000;
const HEX_PREVIEW_ROWS = 1024;
const TEXT_LIMIT_CHARS = 256 * 1024;
const TREE_NODE_BUDGET = 20_000;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

/** The bytes as text when they are valid UTF-8 without control characters; else undefined. */
export function printableText(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) ? undefined : text;
}

export function toHex(bytes: Uint8Array, separator = ''): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (i && separator ? separator : '') + bytes[i].toString(16).padStart(2, '0');
  return out;
}

function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > SUMMARY_CHARS ? `${flat.slice(0, SUMMARY_CHARS - 1)}…` : flat;
}

/** frame 0 of a topic message or a routing id, as text when printable (its first LABEL_BYTES), else hex. */
function frameLabelText(bytes: Uint8Array): string {
  const head = utf8Prefix(bytes, LABEL_BYTES);
  return printableText(head) ?? toHex(bytes.subarray(0, 32)) + (bytes.length > 32 ? '…' : '');
}

/** Copies a decoded tree, cutting it at a node budget so one huge frame cannot flood the webview. */
function boundedTree(node: DecodedNode, budget: { left: number }): DecodedTreeNode {
  budget.left--;
  const copy: DecodedTreeNode = { key: node.key, type: node.type, value: node.value };
  if (node.children) {
    copy.children = [];
    for (let i = 0; i < node.children.length; i++) {
      if (budget.left <= 0) {
        copy.children.push({ type: 'truncated', value: `… ${node.children.length - i} more (copy as JSON to get all)` });
        break;
      }
      copy.children.push(boundedTree(node.children[i], budget));
    }
  }
  return copy;
}

/** A decoded tree as plain JSON (for "copy decoded JSON" when the decoder is not JSON itself). */
export function treeToJson(node: DecodedNode): unknown {
  const children = node.children ?? [];
  if (node.type === 'array') return children.map(treeToJson);
  if (children.length || node.type === 'object' || node.type === 'message') {
    const out: Record<string, unknown> = {};
    children.forEach((child, i) => {
      out[child.key ?? String(i)] = treeToJson(child);
    });
    return out;
  }
  if (node.type === 'null') return null;
  if (node.type === 'boolean') return node.value === 'true';
  if (node.type === 'number' && node.value !== undefined && Number.isFinite(Number(node.value))) return Number(node.value);
  return node.value ?? null;
}

export class MessagePresenter {
  private readonly summaries = new Map<number, string>();
  private readonly knownSessions = new Map<string, { name: string; type: SocketTypeName | '?' }>();

  constructor(
    private readonly decoders: DecoderSource,
    private readonly sessions: SessionSource,
    private readonly getRules: () => readonly unknown[],
    /** Extra words about a message known elsewhere, e.g. a tap's "reply to #12 after 3.4 ms". */
    private readonly annotate: (seq: number) => string | undefined = () => undefined,
    /** Words shown only in a message's details, e.g. the sequence gap before it (the list has a marker row). */
    private readonly detailNote: (seq: number) => string | undefined = () => undefined,
  ) {}

  /** Name and socket type, remembered so rows of a closed session keep their name. */
  session(id: string): { name: string; type: string } {
    const live = this.sessions.get(id);
    if (live) {
      const info = { name: live.name, type: live.type };
      this.knownSessions.set(id, info);
      return info;
    }
    return this.knownSessions.get(id) ?? { name: id, type: '?' };
  }

  knownSessionIds(): string[] {
    return [...this.knownSessions.keys()];
  }

  /** Cached summaries are dropped when decoder rules change. */
  forgetSummaries(): void {
    this.summaries.clear();
  }

  rowSummary(record: CaptureRecord): string {
    const cached = this.summaries.get(record.seq);
    if (cached !== undefined) return cached;
    const note = this.annotate(record.seq);
    const summary = note ? `[${note}] ${this.computeSummary(record)}` : this.computeSummary(record);
    if (this.summaries.size >= SUMMARY_CACHE_LIMIT) this.summaries.clear();
    this.summaries.set(record.seq, summary);
    return summary;
  }

  /** The message with its first frames decoded (up to DETAIL_BATCH_FRAMES or ~1 MiB); `frames()` gives the rest. */
  detail(record: CaptureRecord, overrides: Record<number, string> = {}): MessageDetail {
    const session = this.session(record.sessionId);
    let totalBytes = 0;
    for (let i = 0; i < record.frames.length; i++) totalBytes += record.frameSizes[i] ?? record.frames[i].length;
    return {
      seq: record.seq,
      timeMs: Number(record.timeNs / 1000n) / 1000,
      sessionId: record.sessionId,
      sessionName: session.name,
      socketType: session.type,
      direction: record.direction,
      tag: [record.tag, this.detailNote(record.seq), this.annotate(record.seq)].filter(Boolean).join(' · ') || undefined,
      topic: record.hasTopic && record.frames.length ? frameLabelText(record.frames[0]) : undefined,
      frameCount: record.frames.length,
      totalBytes,
      frames: this.frames(record, 0, overrides),
    };
  }

  /** Decoded frames from `start`: at least one, at most DETAIL_BATCH_FRAMES, stopping after ~1 MiB of frame bytes. */
  frames(record: CaptureRecord, start: number, overrides: Record<number, string> = {}): FrameDetail[] {
    const out: FrameDetail[] = [];
    // The topic is decoded once for the batch, not once per frame (a 1 MiB topic and 10,000 frames took 11.6 s).
    const topic = this.contextTopic(record);
    let bytes = 0;
    for (let index = Math.max(0, start); index < record.frames.length && out.length < DETAIL_BATCH_FRAMES; index++) {
      if (out.length && bytes >= DETAIL_BATCH_BYTES) break;
      out.push(this.frameDetail(record, index, overrides[index], topic));
      bytes += record.frames[index].length;
    }
    return out;
  }

  frameDetail(record: CaptureRecord, index: number, decoderId?: string, topic = this.contextTopic(record)): FrameDetail {
    const bytes = record.frames[index];
    const label = this.frameLabel(record, index);
    const result = this.decode(record, index, bytes, decoderId, this.context(record, index, topic));
    const decoded: DecodedFrame = result.ok
      ? {
          decoderId: result.decoderId,
          pinned: decoderId !== undefined,
          ok: true,
          summary: result.summary,
          text:
            result.text !== undefined && result.text.length > TEXT_LIMIT_CHARS
              ? `${result.text.slice(0, TEXT_LIMIT_CHARS)}\n… (cut; copy to get all)`
              : result.text,
          tree: result.tree ? boundedTree(result.tree, { left: TREE_NODE_BUDGET }) : undefined,
          // The hex view is drawn from hexRows, with its own note when cut; the decoder's note would disagree.
          warning: result.decoderId === 'hex' ? undefined : result.warning,
        }
      : { decoderId: result.decoderId, pinned: decoderId !== undefined, ok: false, error: result.error };
    return {
      index,
      size: bytes.length,
      trueSize: record.frameSizes[index] ?? bytes.length,
      label,
      asText: label ? frameLabelText(bytes) : undefined,
      decoded,
      hexRows: hexRows(bytes, HEX_PREVIEW_ROWS),
      hexTruncated: bytes.length > HEX_PREVIEW_ROWS * 16,
    };
  }

  /** The whole message: one frame per line, or for JSON an array with one element per frame. */
  copyMessageText(record: CaptureRecord, format: CopyFormat): string {
    const frames = record.frames.map((_, index) => this.copyText(record, index, format));
    return format === 'json' ? `[\n${frames.join(',\n')}\n]` : frames.join('\n');
  }

  copyText(record: CaptureRecord, index: number, format: CopyFormat, decoderId?: string): string {
    const bytes = record.frames[index];
    if (!bytes) throw new Error(`Message #${record.seq} has no frame ${index}.`);
    switch (format) {
      case 'text':
        return lenientUtf8.decode(bytes);
      case 'hex':
        return toHex(bytes);
      case 'base64':
        return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
      case 'json': {
        const result = this.decode(record, index, bytes, decoderId);
        if (!result.ok) throw new Error(`Frame ${index} does not decode as ${result.decoderId}: ${result.error}`);
        if (result.tree) return JSON.stringify(treeToJson(result.tree), null, 2);
        return JSON.stringify(result.text ?? result.summary);
      }
    }
  }

  private frameLabel(record: CaptureRecord, index: number): FrameLabel | undefined {
    if (index === 0 && record.hasRoutingId) return 'routing id';
    if (index === 0 && record.hasTopic) return 'topic';
    const envelopeEnd = record.hasRoutingId ? 1 : 0;
    const isLast = index === record.frames.length - 1;
    if (index === envelopeEnd && record.frames[index].length === 0 && !isLast) return 'empty delimiter';
    return undefined;
  }

  /** Frame 0 as decoders and rules see the topic: its first LABEL_BYTES as text. */
  private contextTopic(record: CaptureRecord): string | undefined {
    if (!record.hasTopic || !record.frames.length) return undefined;
    return lenientUtf8.decode(utf8Prefix(record.frames[0], LABEL_BYTES));
  }

  private context(record: CaptureRecord, index: number, topic = this.contextTopic(record)): DecodeContext {
    const bytes = record.frames[index];
    const trueSize = record.frameSizes[index];
    return {
      sessionId: record.sessionId,
      socketType: knownType(this.sessions.get(record.sessionId)?.type ?? this.knownSessions.get(record.sessionId)?.type),
      frameIndex: index,
      frameCount: record.frames.length,
      topic,
      trueSize: trueSize !== undefined && trueSize !== bytes.length ? trueSize : undefined,
    };
  }

  private decode(
    record: CaptureRecord,
    index: number,
    bytes: Uint8Array,
    decoderId?: string,
    context = this.context(record, index),
  ): DecodeResult {
    try {
      return this.decoders.decodeFrame(bytes, context, { decoderId, rules: this.getRules() });
    } catch (error) {
      return { ok: false, decoderId: decoderId ?? '?', error: error instanceof Error ? error.message : String(error) };
    }
  }

  private computeSummary(record: CaptureRecord): string {
    const frames = record.frames;
    if (frames.length === 0) return '(no frames)';
    let payload = 0;
    let prefix = '';
    if (record.hasTopic) {
      prefix = frameLabelText(frames[0]);
      payload = 1;
    } else if (record.hasRoutingId) {
      prefix = `[${frameLabelText(frames[0])}]`;
      payload = 1;
    }
    if (frames[payload]?.length === 0 && payload < frames.length - 1) payload++;
    const bytes = frames[payload];
    if (!bytes) return oneLine(prefix);
    const head = bytes.length > SUMMARY_DECODE_BYTES ? bytes.subarray(0, SUMMARY_DECODE_BYTES) : bytes;
    const context = this.context(record, payload);
    context.purpose = 'summary';
    if (head !== bytes) context.trueSize = record.frameSizes[payload] ?? bytes.length;
    const result = this.decode(record, payload, head, undefined, context);
    const body = result.ok ? result.summary : (printableText(head) ?? toHex(head.subarray(0, 24), ' '));
    return oneLine(prefix ? `${prefix}  ${body}` : body);
  }
}

/** Decoders get a socket type only when it is known ('?' is an imported session whose file did not say). */
function knownType(type: SocketTypeName | '?' | undefined): SocketTypeName | undefined {
  return type === '?' ? undefined : type;
}
