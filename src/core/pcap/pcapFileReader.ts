// Reads packet capture files (libpcap .pcap in either byte order, micro- or nanosecond, and pcapng with
// any number of sections and interfaces) from chunks as they arrive: the file is never held whole.
// Files are hostile: every length is checked against what is left and against a per-record maximum.

export interface CapturedPacket {
  /** Nanoseconds since the Unix epoch. */
  timeNs: bigint;
  /** The link-layer header type (DLT/LINKTYPE number) of the interface that captured it. */
  linkType: number;
  /** The bytes captured: a view valid only during the callback (copy what you keep). */
  data: Uint8Array;
  /** Its length on the wire: more than data.length when the snapshot length cut it. */
  originalLength: number;
}

export type CaptureFormat = 'pcap' | 'pcapng';

export class PcapFormatError extends Error {
  constructor(
    message: string,
    /** Offset in the file where the problem was found. */
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset.toLocaleString('en-US')})`);
    this.name = 'PcapFormatError';
  }
}

/** A record or block longer than this is taken for corruption: no capture tool writes one (snaplen is 256 KiB). */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;

/** Bytes of a new chunk joined to the record carried over from the last one. */
const JOIN_BYTES = 256 * 1024;

const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_IDB = 1;
const PCAPNG_OPB = 2;
const PCAPNG_SPB = 3;
const PCAPNG_EPB = 6;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

interface PcapngInterface {
  linkType: number;
  snapLength: number;
  /** Ticks per second as a bigint, from if_tsresol (default microseconds). */
  ticksPerSecond: bigint;
  offsetSeconds: bigint;
}

/**
 * Feed it chunks in file order with push(); it calls onPacket for each whole packet and keeps the
 * incomplete tail for the next chunk. Throws PcapFormatError when the file is not a capture or is corrupt.
 */
export class PcapFileReader {
  format: CaptureFormat | undefined;
  packets = 0;
  /** Bytes consumed so far (whole records). */
  offset = 0;
  private buffer: Uint8Array = new Uint8Array(0);
  private position = 0;
  private littleEndian = true;
  // pcap
  private nanoseconds = false;
  private linkType = 0;
  // pcapng
  private interfaces: PcapngInterface[] = [];

  constructor(private readonly onPacket: (packet: CapturedPacket) => void) {}

  push(chunk: Uint8Array): void {
    const left = this.buffer.length - this.position;
    if (left === 0) {
      this.buffer = chunk;
      this.position = 0;
      this.drain();
      return;
    }
    // The record in progress is finished from the head of the chunk (a small copy), then the chunk is
    // read in place: a copy of every whole chunk would double the memory traffic.
    const carried = this.buffer.subarray(this.position);
    const head = Math.min(chunk.length, JOIN_BYTES);
    this.buffer = concat(carried, chunk.subarray(0, head));
    this.position = 0;
    this.drain();
    const takenFromChunk = this.position - carried.length;
    if (takenFromChunk < 0 && head < chunk.length) {
      // A record longer than the head: join the whole chunk.
      this.buffer = concat(this.buffer.subarray(this.position), chunk.subarray(head));
      this.position = 0;
    } else if (takenFromChunk >= 0) {
      this.buffer = chunk;
      this.position = takenFromChunk;
    }
    this.drain();
  }

  private drain(): void {
    for (;;) {
      const available = this.buffer.length - this.position;
      if (this.format === undefined) {
        if (available < 4) return;
        if (!this.readFileStart()) return;
        continue;
      }
      const consumed = this.format === 'pcap' ? this.readPcapRecord(available) : this.readPcapngBlock(available);
      if (consumed === 0) return;
      this.position += consumed;
      this.offset += consumed;
    }
  }

  /** Call at the end of the file: throws when it stops inside a record (a capture cut short). */
  end(): { truncatedBytes: number } {
    const left = this.buffer.length - this.position;
    if (this.format === undefined) throw new PcapFormatError('the file is too short to be a packet capture', this.offset);
    return { truncatedBytes: left };
  }

  private view(at: number, length: number): DataView {
    return new DataView(this.buffer.buffer, this.buffer.byteOffset + at, length);
  }

  private readFileStart(): boolean {
    const magic = this.view(this.position, 4);
    const le = magic.getUint32(0, true);
    const be = magic.getUint32(0, false);
    if (be === PCAPNG_SHB) {
      this.format = 'pcapng';
      return true;
    }
    for (const [value, littleEndian] of [
      [le, true],
      [be, false],
    ] as const) {
      if (value === 0xa1b2c3d4 || value === 0xa1b23c4d) {
        if (this.buffer.length - this.position < 24) return false;
        this.format = 'pcap';
        this.littleEndian = littleEndian;
        this.nanoseconds = value === 0xa1b23c4d;
        const header = this.view(this.position, 24);
        // The upper bits carry FCS flags (pcap 2.4 "LinkType and additional information").
        this.linkType = header.getUint32(20, littleEndian) & 0x0fffffff;
        this.position += 24;
        this.offset += 24;
        return true;
      }
    }
    throw new PcapFormatError('not a pcap or pcapng file (unknown magic number)', this.offset);
  }

  private readPcapRecord(available: number): number {
    if (available < 16) return 0;
    const header = this.view(this.position, 16);
    const le = this.littleEndian;
    const captured = header.getUint32(8, le);
    const original = header.getUint32(12, le);
    if (captured > MAX_RECORD_BYTES)
      throw new PcapFormatError(`a packet record claims ${captured.toLocaleString('en-US')} captured bytes (corrupt file?)`, this.offset);
    if (available < 16 + captured) return 0;
    const seconds = BigInt(header.getUint32(0, le));
    const fraction = BigInt(header.getUint32(4, le));
    const start = this.position + 16;
    this.packets++;
    this.onPacket({
      timeNs: seconds * 1_000_000_000n + (this.nanoseconds ? fraction : fraction * 1000n),
      linkType: this.linkType,
      data: this.buffer.subarray(start, start + captured),
      originalLength: Math.max(original, captured),
    });
    return 16 + captured;
  }

  private readPcapngBlock(available: number): number {
    if (available < 12) return 0;
    let head = this.view(this.position, 12);
    const type = head.getUint32(0, this.littleEndian);
    if (type === PCAPNG_SHB) {
      // A section may change the byte order: read it from the section's own magic.
      const magic = head.getUint32(8, true);
      if (magic === BYTE_ORDER_MAGIC) this.littleEndian = true;
      else if (head.getUint32(8, false) === BYTE_ORDER_MAGIC) this.littleEndian = false;
      else throw new PcapFormatError('pcapng section header with an unknown byte-order magic', this.offset);
      this.interfaces = [];
      head = this.view(this.position, 12);
    }
    const length = head.getUint32(4, this.littleEndian);
    if (length < 12 || length % 4 !== 0 || length > MAX_RECORD_BYTES)
      throw new PcapFormatError(`a pcapng block claims a length of ${length.toLocaleString('en-US')} bytes`, this.offset);
    if (available < length) return 0;
    const block = this.view(this.position, length);
    if (block.getUint32(length - 4, this.littleEndian) !== length)
      throw new PcapFormatError('a pcapng block ends with a length that differs from its start', this.offset);
    const body = this.position + 8;
    const bodyLength = length - 12;
    if (type === PCAPNG_IDB) this.readInterface(body, bodyLength);
    else if (type === PCAPNG_EPB || type === PCAPNG_OPB) this.readEnhancedPacket(type, body, bodyLength);
    else if (type === PCAPNG_SPB) this.readSimplePacket(body, bodyLength);
    return length;
  }

  private readInterface(body: number, length: number): void {
    if (length < 8) throw new PcapFormatError('a pcapng interface block is too short', this.offset);
    const view = this.view(body, length);
    const le = this.littleEndian;
    const iface: PcapngInterface = {
      linkType: view.getUint16(0, le),
      snapLength: view.getUint32(4, le),
      ticksPerSecond: 1_000_000n,
      offsetSeconds: 0n,
    };
    for (let at = 8; at + 4 <= length;) {
      const code = view.getUint16(at, le);
      const size = view.getUint16(at + 2, le);
      if (code === 0 || at + 4 + size > length) break;
      if (code === 9 && size >= 1) {
        const resolution = view.getUint8(at + 4);
        const exponent = BigInt(Math.min(resolution & 0x7f, 63));
        iface.ticksPerSecond = resolution & 0x80 ? 1n << exponent : 10n ** exponent;
      } else if (code === 14 && size >= 8) {
        iface.offsetSeconds = view.getBigInt64(at + 4, le);
      }
      at += 4 + ((size + 3) & ~3);
    }
    this.interfaces.push(iface);
  }

  private readEnhancedPacket(type: number, body: number, length: number): void {
    if (length < 20) throw new PcapFormatError('a pcapng packet block is too short', this.offset);
    const view = this.view(body, 20);
    const le = this.littleEndian;
    const interfaceId = type === PCAPNG_EPB ? view.getUint32(0, le) : view.getUint16(0, le);
    const iface = this.interfaces[interfaceId];
    if (!iface) throw new PcapFormatError(`a packet names interface ${interfaceId}, which was not described`, this.offset);
    const ticks = (BigInt(view.getUint32(4, le)) << 32n) | BigInt(view.getUint32(8, le));
    const captured = view.getUint32(12, le);
    const original = view.getUint32(16, le);
    if (captured > length - 20) throw new PcapFormatError('a pcapng packet claims more bytes than its block holds', this.offset);
    this.emit(iface, ticks, body + 20, captured, original);
  }

  private readSimplePacket(body: number, length: number): void {
    const iface = this.interfaces[0];
    if (!iface || length < 4) throw new PcapFormatError('a pcapng simple packet without an interface', this.offset);
    const original = this.view(body, 4).getUint32(0, this.littleEndian);
    const captured = Math.min(original, length - 4, iface.snapLength || Infinity);
    // A simple packet has no time stamp.
    this.emit(iface, undefined, body + 4, captured, original);
  }

  private emit(iface: PcapngInterface, ticks: bigint | undefined, start: number, captured: number, original: number): void {
    const timeNs =
      ticks === undefined ? 0n : ((iface.offsetSeconds * 1_000_000_000n + (ticks * 1_000_000_000n) / iface.ticksPerSecond) as bigint);
    this.packets++;
    this.onPacket({
      timeNs: timeNs < 0n ? 0n : timeNs,
      linkType: iface.linkType,
      data: this.buffer.subarray(start, start + captured),
      originalLength: Math.max(original, captured),
    });
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}
