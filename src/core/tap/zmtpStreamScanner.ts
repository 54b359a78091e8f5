// Watches one direction of a ZMTP 3.x connection as it streams through the tap's relay, without changing
// a byte: the greeting, then each frame's header. It keeps only what diagnosis needs (commands such as
// PING, PONG, READY, SUBSCRIBE and CANCEL, and the first bytes of a subscription message) and skips every
// other frame body by counting, so a publication costs a header parse and nothing else. Peer bytes are
// hostile: sizes are checked, nothing larger than MAX_KEPT_BODY is ever buffered, and anything that is not
// ZMTP 3 over NULL (a secured or legacy peer, a reserved flag) ends the watching, never the relaying.

/** Command bodies and subscription frames are kept up to this many bytes (a longer prefix is cut, and said so). */
export const MAX_KEPT_BODY = 1024;
const GREETING_BYTES = 64;

export type ScanEvent =
  | { type: 'greeting'; version: string; mechanism: string }
  /** Watching stopped: the rest of the stream is relayed unread. */
  | { type: 'opaque'; reason: string }
  /** A command; `body` is what follows the name (cut at MAX_KEPT_BODY, `size` is the whole). */
  | { type: 'command'; name: string; body: Uint8Array; size: number }
  /** A whole message (its last frame seen). `first` is its first frame's start when it was kept. */
  | { type: 'message'; frames: number; bytes: number; first?: Uint8Array; firstSize: number };

type Stage = 'greeting' | 'header' | 'body' | 'opaque';

export class ZmtpStreamScanner {
  private stage: Stage = 'greeting';
  private readonly greeting = new Uint8Array(GREETING_BYTES);
  private greetingLength = 0;
  /** Header bytes collected so far (flags, then 1 or 8 size bytes). */
  private readonly header = new Uint8Array(9);
  private headerLength = 0;
  private flags = 0;
  private remaining = 0;
  private bodySize = 0;
  private kept: Uint8Array | undefined;
  private keptLength = 0;
  private messageFrames = 0;
  private messageBytes = 0;
  private messageFirst: Uint8Array | undefined;
  private messageFirstSize = 0;

  /** Messages and their bytes (frame bodies) seen so far. */
  messages = 0;
  bytes = 0;
  /**
   * Report each message with its first frame kept, when it is a single frame: a subscription from a SUB or
   * XSUB peer is one. Set once the peer's READY names its type; publications are only counted.
   */
  reportMessages = false;

  get watching(): boolean {
    return this.stage !== 'opaque';
  }

  /** Feeds the next chunk of the stream; returns what it completed. */
  push(chunk: Uint8Array): ScanEvent[] {
    const events: ScanEvent[] = [];
    let i = 0;
    while (i < chunk.length && this.stage !== 'opaque') {
      if (this.stage === 'greeting') i = this.readGreeting(chunk, i, events);
      else if (this.stage === 'header') i = this.readHeader(chunk, i, events);
      else i = this.readBody(chunk, i, events);
    }
    return events;
  }

  private stop(events: ScanEvent[], reason: string): number {
    this.stage = 'opaque';
    this.kept = undefined;
    events.push({ type: 'opaque', reason });
    return Number.MAX_SAFE_INTEGER;
  }

  private readGreeting(chunk: Uint8Array, i: number, events: ScanEvent[]): number {
    const take = Math.min(GREETING_BYTES - this.greetingLength, chunk.length - i);
    this.greeting.set(chunk.subarray(i, i + take), this.greetingLength);
    this.greetingLength += take;
    const g = this.greeting;
    if (this.greetingLength >= 1 && g[0] !== 0xff) return this.stop(events, 'not a ZMTP 3 greeting (ZMTP 1.0 or not ZeroMQ)');
    if (this.greetingLength >= 10 && g[9] !== 0x7f) return this.stop(events, 'not a ZMTP 3 greeting (ZMTP 1.0 or not ZeroMQ)');
    if (this.greetingLength >= 11 && g[10] < 3)
      return this.stop(events, `a ZMTP ${g[10] === 1 ? '2.0' : '1.0'} peer: its frames are not read`);
    if (this.greetingLength < GREETING_BYTES) return i + take;
    let mechanism = '';
    for (let k = 12; k < 32 && g[k] !== 0; k++) mechanism += g[k] >= 0x20 && g[k] < 0x7f ? String.fromCharCode(g[k]) : '?';
    events.push({ type: 'greeting', version: `${g[10]}.${g[11]}`, mechanism });
    if (mechanism !== 'NULL')
      return this.stop(events, `mechanism ${mechanism || '(none)'}: commands after the handshake are encrypted or not readable here`);
    this.stage = 'header';
    return i + take;
  }

  private readHeader(chunk: Uint8Array, i: number, events: ScanEvent[]): number {
    // The common case, a short frame whose header and body are both in this chunk and that nobody keeps:
    // skipped in place, without the byte-at-a-time path below.
    while (this.headerLength === 0 && i + 1 < chunk.length) {
      const flags = chunk[i];
      if (flags & 0xfe || this.reportMessages) break;
      const end = i + 2 + chunk[i + 1];
      if (end > chunk.length) break;
      this.messageBytes += chunk[i + 1];
      i = end;
      if (flags & 1) {
        this.messageFrames++;
        continue;
      }
      this.messages++;
      this.bytes += this.messageBytes;
      this.messageFrames = 0;
      this.messageBytes = 0;
    }
    while (i < chunk.length) {
      this.header[this.headerLength++] = chunk[i++];
      if (this.headerLength === 1) {
        this.flags = this.header[0];
        if (this.flags & 0xf8) return this.stop(events, `a frame with reserved flag bits (0x${this.flags.toString(16)}): not ZMTP 3`);
      }
      const long = (this.flags & 2) !== 0;
      if (this.headerLength < (long ? 9 : 2)) continue;
      let size: number;
      if (long) {
        const high = ((this.header[1] << 24) >>> 0) + (this.header[2] << 16) + (this.header[3] << 8) + this.header[4];
        // Sizes past 2^53 cannot be counted exactly (and no real frame is that long): stop reading, keep relaying.
        if (high >= 0x200000) return this.stop(events, 'a frame size beyond 2^53 bytes');
        const low = ((this.header[5] << 24) >>> 0) + (this.header[6] << 16) + (this.header[7] << 8) + this.header[8];
        size = high * 0x100000000 + low;
      } else size = this.header[1];
      this.headerLength = 0;
      this.startBody(size);
      if (size === 0) this.endFrame(events);
      return i;
    }
    return i;
  }

  private startBody(size: number): void {
    this.bodySize = size;
    this.remaining = size;
    this.keptLength = 0;
    const command = (this.flags & 4) !== 0;
    const firstOfSingle = this.reportMessages && this.messageFrames === 0 && (this.flags & 1) === 0;
    this.kept = command || firstOfSingle ? new Uint8Array(Math.min(size, MAX_KEPT_BODY)) : undefined;
    this.stage = 'body';
  }

  private readBody(chunk: Uint8Array, i: number, events: ScanEvent[]): number {
    const take = Math.min(this.remaining, chunk.length - i);
    if (this.kept && this.keptLength < this.kept.length) {
      const copy = Math.min(take, this.kept.length - this.keptLength);
      this.kept.set(chunk.subarray(i, i + copy), this.keptLength);
      this.keptLength += copy;
    }
    this.remaining -= take;
    if (this.remaining === 0) this.endFrame(events);
    return i + take;
  }

  private endFrame(events: ScanEvent[]): void {
    this.stage = 'header';
    const kept = this.kept;
    this.kept = undefined;
    if (this.flags & 4) {
      const body = kept ?? new Uint8Array(0);
      const nameLength = body[0] ?? 0;
      let name = '';
      for (let k = 1; k <= nameLength && k < body.length; k++)
        name += body[k] >= 0x20 && body[k] < 0x7f ? String.fromCharCode(body[k]) : '?';
      events.push({ type: 'command', name, body: body.subarray(1 + nameLength), size: this.bodySize });
      return;
    }
    if (this.messageFrames === 0) {
      this.messageFirst = kept;
      this.messageFirstSize = this.bodySize;
    }
    this.messageFrames++;
    this.messageBytes += this.bodySize;
    if (this.flags & 1) return;
    this.messages++;
    this.bytes += this.messageBytes;
    if (this.reportMessages)
      events.push({
        type: 'message',
        frames: this.messageFrames,
        bytes: this.messageBytes,
        first: this.messageFirst,
        firstSize: this.messageFirstSize,
      });
    this.messageFrames = 0;
    this.messageBytes = 0;
    this.messageFirst = undefined;
  }
}
