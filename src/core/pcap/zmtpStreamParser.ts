// Reads one direction of a captured ZMTP connection: the greeting (3.x, or 2.0), the handshake
// commands (NULL and PLAIN metadata; CURVE's boxes only by name and size), then multipart messages.
// A stream joined in the middle, or after bytes the capture lost, is resynchronised on a run of
// well-formed frames, dropping the message it was inside. Frames keep at most maxFrameBytes (their
// wire size is kept), so a 1 GB frame costs a counter, not a gigabyte.
import type { ByteStreamSink } from './tcpReassembly';
import {
  commandBody,
  commandProperties,
  FLAG_COMMAND,
  FLAG_MORE,
  frameHeader,
  framesStartAt,
  latin1,
  LEGACY_SOCKET_TYPES,
  printable,
} from './zmtpWireFrames';

export interface WireMessage {
  frames: Uint8Array[];
  /** Wire size of each frame (frames[i] may be cut to maxFrameBytes). */
  sizes: number[];
  timeNs: bigint;
  /** CURVE MESSAGE boxes are 'encrypted'; ZMTP 3.1 SUBSCRIBE/CANCEL become 'subscription' (0x01/0x00 + topic). */
  kind: 'message' | 'encrypted' | 'subscription';
}

export interface ZmtpParserLimits {
  maxFrameBytes: number;
  /** Kept bytes of one message; further frames keep none (their sizes stay). */
  maxMessageBytes: number;
  maxFramesPerMessage: number;
}

export type ZmtpStreamState = 'greeting' | 'frames' | 'resync' | 'not-zmtp';

const RESYNC_WINDOW = 64 * 1024;
const RESYNC_STEP = 4 * 1024;
/** Bytes searched for frame boundaries before a stream is declared unrecognised. */
const MAX_RESYNC_BYTES = 1024 * 1024;
const MAX_NOTES = 32;
/** "\x07MESSAGE": a CURVE box follows (8-byte nonce, then at least the 17-byte box of flags and MAC). */
const CURVE_MESSAGE_PREFIX = [7, 0x4d, 0x45, 0x53, 0x53, 0x41, 0x47, 0x45];

function isCurveMessage(body: Uint8Array, size: number): boolean {
  if (size < CURVE_MESSAGE_PREFIX.length + 8 + 17 || body.length < CURVE_MESSAGE_PREFIX.length) return false;
  for (let i = 0; i < CURVE_MESSAGE_PREFIX.length; i++) if (body[i] !== CURVE_MESSAGE_PREFIX[i]) return false;
  return true;
}

export class ZmtpStreamParser implements ByteStreamSink {
  state: ZmtpStreamState;
  version: string | undefined;
  mechanism: string | undefined;
  socketType: string | undefined;
  identity: Uint8Array | undefined;
  /** PLAIN user name (the password is never kept). */
  username: string | undefined;
  /** Handshake and other commands seen, "HELLO (200 B)", capped. */
  readonly commands: string[] = [];
  readonly problems: string[] = [];
  notZmtpReason: string | undefined;
  messages = 0;
  pings = 0;
  resyncs = 0;
  /** Bytes passed over while looking for frame boundaries. */
  skippedBytes = 0;
  /** Messages cut by a gap or by joining mid-stream (their frames were not all seen). */
  partialMessages = 0;
  incompleteAtEnd = false;

  private head = new Uint8Array(64);
  private headLength = 0;
  private legacyIdentityPending = false;
  // The frame being read.
  private frameFlags = 0;
  private frameSize = 0;
  private frameBody: Uint8Array | undefined;
  private frameKept = 0;
  /** Some frames of the open message are views of the bytes passed to data(). */
  private frameViews = false;
  private frameRead = 0;
  private inBody = false;
  // The message being gathered.
  private frames: Uint8Array[] = [];
  private sizes: number[] = [];
  private messageBytes = 0;
  private skipToBoundary = false;
  // Resync.
  private resyncBuffer = new Uint8Array(0);
  private resyncTried = 0;
  private resyncSearched = 0;

  constructor(
    startsAtBeginning: boolean,
    private readonly limits: ZmtpParserLimits,
    private readonly onMessage: (message: WireMessage) => void,
  ) {
    this.state = startsAtBeginning ? 'greeting' : 'resync';
  }

  data(bytes: Uint8Array, timeNs: bigint): void {
    let at = 0;
    while (at < bytes.length) {
      if (this.state === 'not-zmtp') break;
      if (this.state === 'greeting') at = this.readGreeting(bytes, at);
      else if (this.state === 'frames') at = this.readFrames(bytes, at, timeNs);
      else {
        this.resync(bytes.subarray(at), timeNs, false);
        break;
      }
    }
    // Frames read whole from these bytes are views of them; a message still open keeps copies.
    if (this.frameViews) {
      for (let i = 0; i < this.frames.length; i++) this.frames[i] = this.frames[i].slice();
      this.frameViews = false;
    }
  }

  gap(_bytes: number, _timeNs: bigint): void {
    if (this.state === 'not-zmtp') return;
    if (this.frames.length || this.inBody || this.headLength) this.partialMessages++;
    this.resetFrame();
    this.state = 'resync';
    this.resyncBuffer = new Uint8Array(0);
    this.resyncTried = 0;
  }

  /** The stream ended: a last resync try on what is buffered; a message cut by the end is reported. */
  end(timeNs: bigint): void {
    if (this.state === 'resync' && this.resyncBuffer.length) this.resync(new Uint8Array(0), timeNs, true);
    if (this.state === 'frames' && (this.frames.length || this.inBody || this.headLength)) this.incompleteAtEnd = true;
    if (this.state === 'greeting' && this.headLength) this.incompleteAtEnd = true;
  }

  /** A ZMTP stream was recognised (by its greeting, or by resynchronising on its frames). */
  get recognised(): boolean {
    return this.version !== undefined || this.resyncs > 0;
  }

  private note(list: string[], text: string): void {
    if (list.length < MAX_NOTES) list.push(text);
  }

  private notZmtp(reason: string): void {
    this.state = 'not-zmtp';
    this.notZmtpReason = reason;
  }

  private readGreeting(bytes: Uint8Array, at: number): number {
    const want = this.headLength < 11 ? 11 : this.head[10] >= 3 ? 64 : 12;
    const take = Math.min(want - this.headLength, bytes.length - at);
    this.head.set(bytes.subarray(at, at + take), this.headLength);
    this.headLength += take;
    at += take;
    const head = this.head;
    if (head[0] !== 0xff) {
      this.notZmtp(`starts with 0x${head[0].toString(16).padStart(2, '0')}, not the ZMTP signature`);
      return at;
    }
    if (this.headLength >= 10 && head[9] !== 0x7f) {
      this.notZmtp(head[9] & 1 ? 'byte 9 of the signature is not 0x7F' : 'ZMTP 1.0 (not decoded)');
      return at;
    }
    if (this.headLength < want) return at;
    if (want === 11) return at;
    if (head[10] === 1) {
      this.version = '2.0';
      this.mechanism = 'NULL';
      this.socketType = LEGACY_SOCKET_TYPES[head[11]] ?? `type ${head[11]}`;
      this.legacyIdentityPending = true;
    } else if (head[10] === 2 || head[10] === 0) {
      this.notZmtp(`ZMTP revision ${head[10]} is not decoded`);
      return at;
    } else {
      this.version = `${head[10]}.${head[11]}`;
      const name = head.subarray(12, 32);
      const end = name.indexOf(0);
      this.mechanism = latin1(name.subarray(0, end < 0 ? 20 : end)) || '?';
    }
    this.headLength = 0;
    this.state = 'frames';
    return at;
  }

  private readFrames(bytes: Uint8Array, at: number, timeNs: bigint): number {
    while (at < bytes.length) {
      if (!this.inBody) {
        // Flags and a 1-byte size, or flags and an 8-byte size when LONG is set.
        const need = this.headLength > 0 && this.head[0] & 0x02 ? 9 : 2;
        const take = Math.min(need - this.headLength, bytes.length - at);
        this.head.set(bytes.subarray(at, at + take), this.headLength);
        this.headLength += take;
        at += take;
        if (this.headLength < 2 || (this.head[0] & 0x02 && this.headLength < 9)) {
          if (at < bytes.length) continue;
          return at;
        }
        const header = frameHeader(this.head, 0);
        if (!header) {
          this.note(this.problems, `invalid frame header 0x${this.head[0].toString(16)}: resynchronising`);
          this.gap(0, timeNs);
          return at;
        }
        this.headLength = 0;
        if (!this.startFrame(header.flags, header.size, bytes, at)) continue;
        at += header.size;
      } else {
        const take = Math.min(this.frameSize - this.frameRead, bytes.length - at);
        const keep = Math.min(take, this.frameKept - this.frameRead);
        if (keep > 0) this.frameBody!.set(bytes.subarray(at, at + keep), this.frameRead);
        this.frameRead += take;
        at += take;
        if (this.frameRead < this.frameSize) return at;
      }
      this.endFrame(timeNs);
    }
    return at;
  }

  /** Starts reading a frame; returns true when it was whole in `bytes` from `at` and taken as a view. */
  private startFrame(flags: number, size: number, bytes: Uint8Array, at: number): boolean {
    this.frameFlags = flags;
    this.frameSize = size;
    this.frameRead = 0;
    const messageRoom = Math.max(0, this.limits.maxMessageBytes - this.messageBytes);
    // Commands are kept whole up to the frame limit: their names and metadata are what we read.
    this.frameKept = Math.min(size, this.limits.maxFrameBytes, flags & FLAG_COMMAND ? this.limits.maxFrameBytes : messageRoom);
    if (this.frameKept === size && at + size <= bytes.length) {
      this.frameBody = bytes.subarray(at, at + size);
      this.frameViews = true;
      this.inBody = false;
      return true;
    }
    this.frameBody = new Uint8Array(this.frameKept);
    this.inBody = size > 0;
    return size === 0;
  }

  private endFrame(timeNs: bigint): void {
    const flags = this.frameFlags;
    const body = this.frameBody!;
    const size = this.frameSize;
    this.inBody = false;
    this.frameBody = undefined;
    if (this.legacyIdentityPending) {
      this.legacyIdentityPending = false;
      this.identity = body.slice();
      return;
    }
    if (flags & FLAG_COMMAND && this.version !== '2.0') return this.command(body, size, timeNs);
    // libzmq sends CURVE's MESSAGE boxes as data frames that start with the command name.
    if (this.mechanism !== 'NULL' && this.mechanism !== 'PLAIN' && isCurveMessage(body, size)) {
      this.mechanism ??= 'CURVE';
      if (this.skipToBoundary) this.skipToBoundary = false;
      return this.emit({
        frames: [body.subarray(CURVE_MESSAGE_PREFIX.length)],
        sizes: [size - CURVE_MESSAGE_PREFIX.length],
        timeNs,
        kind: 'encrypted',
      });
    }
    if (this.skipToBoundary) {
      if (!(flags & FLAG_MORE)) this.skipToBoundary = false;
      return;
    }
    if (this.frames.length < this.limits.maxFramesPerMessage) {
      this.frames.push(body);
      this.sizes.push(size);
      this.messageBytes += body.length;
    }
    if (!(flags & FLAG_MORE)) {
      const message: WireMessage = { frames: this.frames, sizes: this.sizes, timeNs, kind: 'message' };
      this.frames = [];
      this.sizes = [];
      this.messageBytes = 0;
      this.emit(message);
    }
  }

  private emit(message: WireMessage): void {
    this.messages++;
    this.onMessage(message);
  }

  private command(body: Uint8Array, size: number, timeNs: bigint): void {
    const command = commandBody(body);
    if (!command) return this.note(this.problems, `a command frame of ${size} B without a readable name`);
    const { name, data } = command;
    switch (name) {
      case 'MESSAGE':
        this.mechanism ??= 'CURVE';
        return this.emit({ frames: [data], sizes: [size - CURVE_MESSAGE_PREFIX.length], timeNs, kind: 'encrypted' });
      case 'SUBSCRIBE':
      case 'CANCEL': {
        const frame = new Uint8Array(data.length + 1);
        frame[0] = name === 'SUBSCRIBE' ? 1 : 0;
        frame.set(data, 1);
        return this.emit({ frames: [frame], sizes: [frame.length], timeNs, kind: 'subscription' });
      }
      case 'PING':
      case 'PONG':
        this.pings++;
        return;
      case 'ERROR':
        return this.note(this.problems, `ERROR: ${printable(data.subarray(1, 1 + (data[0] ?? 0)))}`);
    }
    this.note(this.commands, `${name} (${size} B)`);
    if (name === 'HELLO' && this.mechanism === 'PLAIN') this.username = printable(data.subarray(1, 1 + (data[0] ?? 0)));
    const readable = (name === 'READY' && this.mechanism !== 'CURVE') || (name === 'INITIATE' && this.mechanism === 'PLAIN');
    if (!readable) return;
    const properties = commandProperties(data);
    if (!properties) return this.note(this.problems, `${name} with malformed metadata`);
    const socketType = properties.get('socket-type');
    if (socketType) this.socketType = printable(socketType, 16);
    const identity = properties.get('identity');
    if (identity?.length) this.identity = identity;
  }

  private resetFrame(): void {
    this.frames = [];
    this.sizes = [];
    this.messageBytes = 0;
    this.inBody = false;
    this.frameBody = undefined;
    this.headLength = 0;
  }

  /** Looks for frame boundaries in what came since the stream was lost, then reads frames from there. */
  private resync(bytes: Uint8Array, timeNs: bigint, atEnd: boolean): void {
    if (bytes.length) {
      const joined = new Uint8Array(this.resyncBuffer.length + bytes.length);
      joined.set(this.resyncBuffer);
      joined.set(bytes, this.resyncBuffer.length);
      this.resyncBuffer = joined;
    }
    const buffer = this.resyncBuffer;
    // The capture missed the SYN but not the start: the greeting is there.
    if (buffer[0] === 0xff && this.resyncs === 0 && this.skippedBytes === 0 && this.version === undefined) {
      if (buffer.length < 10 && !atEnd) return;
      if (buffer[9] === 0x7f) {
        this.resyncBuffer = new Uint8Array(0);
        this.state = 'greeting';
        this.data(buffer, timeNs);
        return;
      }
    }
    if (!atEnd && buffer.length - this.resyncTried < RESYNC_STEP && buffer.length < RESYNC_WINDOW) return;
    this.resyncTried = buffer.length;
    const last = Math.min(buffer.length, RESYNC_WINDOW);
    for (let offset = 0; offset < last; offset++) {
      if (!framesStartAt(buffer, offset, atEnd)) continue;
      this.resyncs++;
      this.skippedBytes += offset;
      this.resyncBuffer = new Uint8Array(0);
      this.resyncTried = 0;
      this.state = 'frames';
      // Joined somewhere inside a message, maybe at its start: only what follows its last frame is whole.
      this.skipToBoundary = true;
      this.partialMessages++;
      this.data(buffer.subarray(offset), timeNs);
      return;
    }
    if (buffer.length >= RESYNC_WINDOW) {
      // Keep the tail: a frame that starts there may finish in the next bytes.
      const dropped = buffer.length - RESYNC_WINDOW / 2;
      this.skippedBytes += dropped;
      this.resyncSearched += dropped;
      this.resyncBuffer = buffer.slice(dropped);
      this.resyncTried = this.resyncBuffer.length;
      if (this.resyncSearched >= MAX_RESYNC_BYTES) {
        this.resyncBuffer = new Uint8Array(0);
        this.notZmtp(`no ZMTP framing found in ${this.resyncSearched.toLocaleString('en-US')} bytes`);
      }
    }
  }
}
