// The crash spool: the capture store's bytes written to files as they arrive, so that a new engine started
// after a crash (abort, out of memory, kill -9) lists the messages again. Every flush (the engine calls it
// every 25 ms while messages arrive) writes what was appended since the last one as raw runs: the slab
// bytes as they are (no copy, the slab is pinned while the write runs) and the metadata rings' entries.
// Files are segments of one generation; a segment whose messages have all left the store is kept as a spare
// file to be recycled as a next segment (or deleted when SPARE_FILES already wait), so the spool stays within
// the capture budget (payload + 18 bytes a message + three segments). A clear starts a new generation.
//
// Why recycle rather than delete: a full store spools as fast as it captures (160 MB/s at 4 KiB a message
// and 40k a second), and writing into a new file makes the kernel find a fresh page for every 4 KiB of it,
// where overwriting a file whose pages are still cached is a copy. Measured on this project's test machines
// with 4 MiB writes: 1 GiB took 610–740 ms of CPU into new files and 76–86 ms over cached ones.
// Why two spares: segments age in bursts (a flush writes what arrived in 25 ms, and their sizes vary), so two
// can age between two segment openings. With one spare the second was deleted and a new file made later:
// 3 new 32 MiB files in a 200,000-message 4 KiB flood, ~100 ms of CPU each, 1–1.5 µs a message on a machine
// where a fresh page costs 12 µs (the engine benchmark's steady state).
//
// Layout: `g<generation>-<segment>.spool` files of records, and `g<generation>.ok` once the generation's
// first flush is on disk (a generation without it is ignored: a restart that crashed before re-spooling
// what it restored). Record: u32 magic, u8 type, u24 stamp, u32 body length, the body, then the type and
// stamp word again as a trailer. The stamp is the segment number + 1 (mod 2^24). A recycled file still holds
// its earlier life's bytes past what this life wrote: its first record says it was recycled, and the reader
// ends it quietly at the first record that is missing or stamped for another segment. A write the engine
// died in lands only in part, in order (the kernel copies it front to back), so its trailer is what is
// missing: the reader then reports the record cut, never reading an earlier life's bytes as its body.
// Numbers in the machine's byte order: a spool is read back by the same machine only.
import { closeSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeFileSync, writev } from 'node:fs';
import { join } from 'node:path';
import type { CaptureStore, RawRun } from './captureStore';

export const SPOOL_MAGIC = 0x5053515a;
export const RECORD_HEADER_BYTES = 12;
export const RECORD_TRAILER_BYTES = 4;
export const RUN_FIXED_BYTES = 16;
export enum SpoolRecord {
  /** JSON SpoolNames: the tables raw runs refer to, and session names. */
  Names = 1,
  /** A raw run of messages. */
  Run = 2,
  /** JSON { sessionId }: the user removed that session's messages here. */
  RemoveSession = 3,
  /** A segment's first record: u32 flags, SEGMENT_RECYCLED when the file had an earlier life. */
  Segment = 4,
}

export const SEGMENT_RECYCLED = 1;

/** What a run's indices mean, and what each session id was called. */
export interface SpoolNames {
  storeSessions: string[];
  tags: string[];
  /** [id, name, socket type] of sessions, taps and imports. */
  history: Array<[string, string, string]>;
}

export const SEGMENT_FILE = /^g(\d{6})-(\d{6})\.spool$/;
export const GENERATION_OK = /^g(\d{6})\.ok$/;
export const segmentName = (generation: number, segment: number) =>
  `g${String(generation).padStart(6, '0')}-${String(segment).padStart(6, '0')}.spool`;
export const okName = (generation: number) => `g${String(generation).padStart(6, '0')}.ok`;
/** The stamp every record of segment `segment` carries (see the layout above). */
export const segmentStamp = (segment: number) => (segment + 1) % 0x1000000;

export interface SpoolWriterOptions {
  /** A segment is closed after this many bytes (default: an eighth of the byte budget, 1 to 64 MiB). */
  segmentBytes?: number;
  /** Past this many bytes waiting for the disk, a flush is skipped and its messages counted as unspooled. */
  maxPendingBytes?: number;
  /** Names of sessions whose messages may be in the store. */
  history(): Array<[string, string, string]>;
  onError?(message: string): void;
}

interface Segment {
  index: number;
  fd: number;
  bytes: number;
  /** Highest seq written into it. */
  lastSeq: number;
  /** Its writes still in flight: it may be recycled only with none (a late write would land in the new life). */
  pendingWrites: number;
}

/** How many aged segments' files may wait to be recycled (see the top of the file for why two). */
const SPARE_FILES = 2;

/** An aged segment's file kept open to become a next segment. */
interface SpareFile {
  fd: number;
  path: string;
}

export class CaptureSpoolWriter {
  private generation = 0;
  private segments: Segment[] = [];
  private spares: SpareFile[] = [];
  private recycled = 0;
  private nextSegment = 0;
  private spooledThrough: number;
  private pendingBytes = 0;
  private pendingWrites = 0;
  private drained: Array<() => void> = [];
  private unspooled = 0;
  private namesKey = '';
  private synced = false;
  private lastError: string | undefined;
  private closed = false;
  private destroyed = false;

  constructor(
    private readonly store: CaptureStore,
    private readonly dir: string,
    private readonly options: SpoolWriterOptions,
  ) {
    mkdirSync(dir, { recursive: true });
    this.spooledThrough = store.firstSeq - 1;
    this.startGeneration(nextGeneration(dir));
  }

  /**
   * Writes what the store appended since the last flush (and recycles segments the store no longer needs).
   * Returns whether there was anything to write.
   */
  flush(): boolean {
    if (this.closed) return false;
    const last = this.store.lastSeq;
    const appended = last > this.spooledThrough;
    if (appended) {
      const runs = this.store.rawRuns(this.spooledThrough + 1);
      let bytes = 0;
      for (const run of runs) bytes += run.payload.length + run.count * 18;
      if (this.pendingBytes + bytes > (this.options.maxPendingBytes ?? 256 * 1024 * 1024)) {
        this.unspooled += last - this.spooledThrough;
        this.fail(`the disk fell behind: ${this.unspooled} messages are not in the crash spool`);
      } else {
        this.writeNamesIfChanged();
        for (const run of runs) this.writeRun(run);
      }
      this.spooledThrough = last;
    }
    this.dropAgedSegments();
    if (!this.synced) {
      this.synced = true;
      const generation = this.generation;
      // The first flush holds every message retained when the generation began: once it is on disk the
      // older generations are of no use.
      void this.whenDrained().then(() => {
        if (this.destroyed || generation !== this.generation) return;
        try {
          writeFileSync(join(this.dir, okName(generation)), '');
          removeGenerationsBefore(this.dir, generation);
        } catch (error) {
          this.fail(`cannot mark the spool complete: ${(error as Error).message}`);
        }
      });
    }
    return appended;
  }

  /** The user cleared the capture: what was spooled is gone too. */
  onClear(): void {
    if (this.closed) return;
    this.closeSegments();
    this.startGeneration(this.generation + 1);
    // Empty, so complete at once: a crash right after the clear must not bring the cleared messages back.
    this.synced = true;
    try {
      writeFileSync(join(this.dir, okName(this.generation)), '');
      removeGenerationsBefore(this.dir, this.generation);
    } catch (error) {
      this.fail(`cannot clear the spool: ${(error as Error).message}`);
    }
  }

  /** The user removed one session's messages: recorded, so a restore removes them at the same point. */
  onRemoveSession(sessionId: string): void {
    if (this.closed) return;
    this.flush();
    this.writeRecord(SpoolRecord.RemoveSession, [Buffer.from(JSON.stringify({ sessionId }))], this.spooledThrough);
  }

  /** `bytesOnDisk` counts what the segments hold (a recycled file may be longer); `recycledSegments` how many files were reused. */
  status(): { spooledThrough: number; bytesOnDisk: number; unspooled: number; recycledSegments: number; lastError?: string } {
    const bytesOnDisk = this.segments.reduce((sum, s) => sum + s.bytes, 0);
    return {
      spooledThrough: this.spooledThrough,
      bytesOnDisk,
      unspooled: this.unspooled,
      recycledSegments: this.recycled,
      lastError: this.lastError,
    };
  }

  /** Resolves once every write issued so far is done. */
  whenDrained(): Promise<void> {
    if (!this.pendingWrites) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  /** Flushes, waits for the disk, and closes the files (they stay for the next engine). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    await this.whenDrained();
    this.closeSegments();
  }

  /** Closes and deletes every file: the extension is going away, nothing will restore them. */
  async destroy(): Promise<void> {
    this.closed = true;
    this.destroyed = true;
    await this.whenDrained();
    this.closeSegments();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private startGeneration(generation: number): void {
    this.generation = generation;
    this.nextSegment = 0;
    this.namesKey = '';
    this.synced = false;
    // Everything still in the store goes into the new generation.
    this.spooledThrough = this.store.firstSeq - 1;
    this.openSegment();
  }

  private openSegment(): void {
    const index = this.nextSegment++;
    const path = join(this.dir, segmentName(this.generation, index));
    try {
      const recycledFd = this.takeSpare(path);
      const fd = recycledFd ?? openSync(path, 'w');
      this.segments.push({ index, fd, bytes: 0, lastSeq: this.spooledThrough, pendingWrites: 0 });
      this.namesKey = '';
      const flags = new Uint8Array(4);
      new DataView(flags.buffer).setUint32(0, recycledFd === undefined ? 0 : SEGMENT_RECYCLED, true);
      this.writeRecord(SpoolRecord.Segment, [flags], this.spooledThrough);
    } catch (error) {
      this.fail(`cannot open a spool file: ${(error as Error).message}`);
    }
  }

  /** A spare file renamed to `path`, open for writing from its start; undefined when there is none. */
  private takeSpare(path: string): number | undefined {
    const spare = this.spares.shift();
    if (!spare) return undefined;
    try {
      renameSync(spare.path, path);
      this.recycled++;
      return spare.fd;
    } catch {
      // Gone from under us (or the rename refused): a new file will do.
      closeQuietly(spare.fd);
      rmSync(spare.path, { force: true });
      return undefined;
    }
  }

  private get current(): Segment | undefined {
    return this.segments[this.segments.length - 1];
  }

  private segmentLimit(): number {
    return this.options.segmentBytes ?? 16 * 1024 * 1024;
  }

  private writeNamesIfChanged(): void {
    const storeSessions = this.store.sessionIds();
    const tags = this.store.tagNames();
    const history = this.options.history();
    const key = `${storeSessions.length}/${tags.length}/${history.length}/${history.map((h) => h[0]).join(',')}`;
    if (key === this.namesKey) return;
    this.namesKey = key;
    const names: SpoolNames = { storeSessions, tags, history };
    this.writeRecord(SpoolRecord.Names, [Buffer.from(JSON.stringify(names))], this.spooledThrough);
  }

  private writeRun(run: RawRun): void {
    const segment = this.current;
    if (segment && segment.bytes >= this.segmentLimit()) {
      this.openSegment();
      this.writeNamesIfChanged();
    }
    const n = run.count;
    const tagBytes = (n * 2 + 3) & ~3;
    const head = new Uint8Array(RUN_FIXED_BYTES + n * 16 + tagBytes);
    const view = new DataView(head.buffer);
    view.setFloat64(0, run.firstSeq, true);
    view.setUint32(8, n, true);
    view.setUint32(12, run.payload.length, true);
    let at = RUN_FIXED_BYTES;
    for (const array of [run.timeSec, run.timeFrac, run.meta, run.offsets]) {
      new Uint32Array(head.buffer, at, n).set(array);
      at += n * 4;
    }
    new Uint16Array(head.buffer, at, n).set(run.tag);
    const parts: Uint8Array[] = [head];
    if (run.payload.length) parts.push(run.payload);
    this.writeRecord(SpoolRecord.Run, parts, run.firstSeq + n - 1, run.payload.length ? run.slab : undefined);
  }

  private writeRecord(type: SpoolRecord, body: Uint8Array[], lastSeq: number, pinned?: Uint8Array): void {
    const segment = this.current;
    if (!segment) return;
    let length = 0;
    for (const part of body) length += part.length;
    const header = new Uint8Array(RECORD_HEADER_BYTES + RECORD_TRAILER_BYTES);
    const view = new DataView(header.buffer);
    const typeAndStamp = type | (segmentStamp(segment.index) << 8);
    view.setUint32(0, SPOOL_MAGIC, true);
    view.setUint32(4, typeAndStamp, true);
    view.setUint32(8, length, true);
    view.setUint32(RECORD_HEADER_BYTES, typeAndStamp, true);
    const trailer = header.subarray(RECORD_HEADER_BYTES);
    const size = RECORD_HEADER_BYTES + length + RECORD_TRAILER_BYTES;
    const position = segment.bytes;
    segment.bytes += size;
    segment.lastSeq = Math.max(segment.lastSeq, lastSeq);
    this.pendingBytes += size;
    this.pendingWrites++;
    segment.pendingWrites++;
    if (pinned) this.store.pinSlab(pinned);
    // Positioned writes: several may be in flight on libuv's pool, and each lands where it belongs.
    writev(segment.fd, [header.subarray(0, RECORD_HEADER_BYTES), ...body, trailer], position, (error) => {
      if (pinned) this.store.unpinSlab(pinned);
      segment.pendingWrites--;
      this.pendingBytes -= size;
      if (error) this.fail(`a spool write failed: ${error.message}`);
      if (--this.pendingWrites === 0) for (const resolve of this.drained.splice(0)) resolve();
    });
  }

  private dropAgedSegments(): void {
    const firstSeq = this.store.firstSeq;
    while (this.segments.length > 1 && this.segments[0].lastSeq < firstSeq) {
      const aged = this.segments.shift()!;
      const path = join(this.dir, segmentName(this.generation, aged.index));
      if (this.spares.length < SPARE_FILES && aged.pendingWrites === 0) {
        this.spares.push({ fd: aged.fd, path });
        continue;
      }
      // Closed after its writes: a positioned write on a closed (or reused) descriptor would go astray.
      void this.whenDrained().then(() => {
        closeQuietly(aged.fd);
        rmSync(path, { force: true });
      });
    }
  }

  private closeSegments(): void {
    const segments = this.segments;
    this.segments = [];
    // A spare holds only records no one needs; left behind, it would be read as a segment of its generation.
    for (const spare of this.spares.splice(0)) {
      closeQuietly(spare.fd);
      rmSync(spare.path, { force: true });
    }
    void this.whenDrained().then(() => {
      for (const segment of segments) closeQuietly(segment.fd);
    });
  }

  private fail(message: string): void {
    if (this.lastError === message) return;
    this.lastError = message;
    this.options.onError?.(message);
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed.
  }
}

/** One more than the highest generation in `dir`. */
function nextGeneration(dir: string): number {
  let highest = 0;
  for (const name of safeList(dir)) {
    const match = SEGMENT_FILE.exec(name) ?? GENERATION_OK.exec(name);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  return highest + 1;
}

function removeGenerationsBefore(dir: string, generation: number): void {
  for (const name of safeList(dir)) {
    const match = SEGMENT_FILE.exec(name) ?? GENERATION_OK.exec(name);
    if (match && Number(match[1]) < generation) rmSync(join(dir, name), { force: true });
  }
}

export function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
