// Imports the ZeroMQ traffic of a packet capture into the capture store: packets are read as the file
// streams in, TCP connections reassembled, ZMTP streams recognised and their messages appended with the
// packets' times, one session per connection (seen from its client, the side that connected).
// Memory stays bounded: a chunk at a time, early segments within a shared budget, closed connections
// let go, frames cut to the store's per-frame limit.
import type { Readable } from 'node:stream';
import type { CaptureStore } from '../capture/captureStore';
import { CapturedConnection, type PcapStreamReport, type Side } from './pcapConnection';
import type { WireMessage } from './zmtpStreamParser';
import { PcapFileReader, PcapFormatError, type CaptureFormat, type CapturedPacket } from './pcapFileReader';
import { TCP_FIN, TCP_RST, TCP_SYN, tcpSegmentOf, type SkipReason } from './packetLayers';
import { PendingBudget } from './tcpReassembly';

export interface PcapImportOptions {
  /** Tag of every imported message (e.g. the file name). */
  tag?: string;
  /** The store session id for a connection: the extension adopts a new session per connection. */
  sessionIdFor?(session: { id: string; name: string; socketType?: string }): string;
  /** Frames are kept up to this many bytes (match the store's limit). Default 1 MiB. */
  maxFrameBytes?: number;
  /** Early TCP segments held for reordering, all connections together. Default 64 MiB. */
  pendingBudgetBytes?: number;
  /** Connections tracked at once; further new ones are counted and skipped. Default 100,000. */
  maxConnections?: number;
}

export interface PcapImportResult {
  format?: CaptureFormat;
  packets: number;
  tcpPackets: number;
  /** Packets that carried no TCP (or could not be read), by reason. */
  skippedPackets: Partial<Record<SkipReason, number>>;
  imported: number;
  encryptedMessages: number;
  zmtpStreams: number;
  /** TCP connections whose bytes were not ZMTP, counted and skipped. */
  otherStreams: number;
  /** New connections past maxConnections. */
  untrackedConnections: number;
  /** The first MAX_REPORTED_STREAMS ZMTP streams, in the order they ended. */
  streams: PcapStreamReport[];
  gaps: number;
  gapBytes: number;
  retransmittedBytes: number;
  /** The file stopped inside a packet record. */
  truncatedFileBytes: number;
  /** The file is not a capture, or is corrupt from some point on (what came before it was imported). */
  error?: string;
}

export const MAX_REPORTED_STREAMS = 1000;
const RECENTLY_CLOSED = 4096;
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
const MAX_FRAMES_PER_MESSAGE = 10_000;
const TOPIC_SENDERS = new Set(['PUB', 'XPUB']);

/** Synchronous core: push() chunks in file order, then end(). The stream function drives it. */
export class PcapImporter {
  readonly result: PcapImportResult = {
    packets: 0,
    tcpPackets: 0,
    skippedPackets: {},
    imported: 0,
    encryptedMessages: 0,
    zmtpStreams: 0,
    otherStreams: 0,
    untrackedConnections: 0,
    streams: [],
    gaps: 0,
    gapBytes: 0,
    retransmittedBytes: 0,
    truncatedFileBytes: 0,
  };
  private readonly reader = new PcapFileReader((packet) => this.packet(packet));
  private readonly connections = new Map<string, CapturedConnection>();
  private readonly closed = new Set<string>();
  private readonly budget: PendingBudget;
  private readonly limits;
  private lastTimeNs = 0n;
  private failed = false;

  constructor(
    private readonly store: CaptureStore,
    private readonly options: PcapImportOptions = {},
  ) {
    this.budget = new PendingBudget(options.pendingBudgetBytes ?? 64 * 1024 * 1024);
    const maxFrameBytes = Math.max(0, options.maxFrameBytes ?? 1024 * 1024);
    this.limits = { maxFrameBytes, maxMessageBytes: MAX_MESSAGE_BYTES, maxFramesPerMessage: MAX_FRAMES_PER_MESSAGE };
  }

  /** Bytes of the file taken so far (whole records). */
  get offset(): number {
    return this.reader.offset;
  }

  /** False once the file proved corrupt: later chunks are ignored. */
  push(chunk: Uint8Array): boolean {
    if (this.failed) return false;
    try {
      this.reader.push(chunk);
    } catch (error) {
      if (!(error instanceof PcapFormatError)) throw error;
      this.result.error = error.message;
      this.failed = true;
    }
    this.result.format = this.reader.format;
    return !this.failed;
  }

  /** The end of the file: every connection still open is concluded. */
  end(): PcapImportResult {
    if (!this.failed) {
      try {
        this.result.truncatedFileBytes = this.reader.end().truncatedBytes;
      } catch (error) {
        if (!(error instanceof PcapFormatError)) throw error;
        this.result.error = error.message;
      }
    }
    for (const [key, connection] of this.connections) this.close(key, connection);
    return this.result;
  }

  private packet(packet: CapturedPacket): void {
    this.result.packets++;
    if (packet.timeNs > this.lastTimeNs) this.lastTimeNs = packet.timeNs;
    const segment = tcpSegmentOf(packet.linkType, packet.data, packet.originalLength);
    if (typeof segment === 'string') {
      this.result.skippedPackets[segment] = (this.result.skippedPackets[segment] ?? 0) + 1;
      return;
    }
    this.result.tcpPackets++;
    const key =
      segment.source < segment.destination ? `${segment.source} ${segment.destination}` : `${segment.destination} ${segment.source}`;
    let connection = this.connections.get(key);
    if (!connection) {
      const opening = (segment.flags & TCP_SYN) !== 0;
      // Late packets of a connection already concluded (a last ACK, a retransmitted FIN) start nothing.
      if (this.closed.has(key) && !opening) return;
      if (!opening && segment.payload.length === 0 && segment.missingTail === 0) return;
      if (this.connections.size >= (this.options.maxConnections ?? 100_000)) {
        this.result.untrackedConnections++;
        this.closed.add(key);
        return;
      }
      this.closed.delete(key);
      connection = new CapturedConnection(segment, this.limits, this.budget, (c, m, from) => this.message(c, m, from));
      this.connections.set(key, connection);
    }
    if (connection.notZmtp) return this.close(key, connection);
    connection.segment(segment, packet.timeNs);
    if (segment.flags & TCP_RST) connection.reset = true;
    if (segment.flags & TCP_FIN) connection.finished |= segment.source === connection.client ? 1 : 2;
    if (connection.reset || connection.finished === 3 || connection.notZmtp) this.close(key, connection);
  }

  private close(key: string, connection: CapturedConnection): void {
    this.connections.delete(key);
    this.closed.add(key);
    if (this.closed.size > RECENTLY_CLOSED) this.closed.delete(this.closed.values().next().value!);
    connection.finish(this.lastTimeNs);
    if (!connection.recognised) {
      this.result.otherStreams++;
      return;
    }
    const report = connection.report();
    this.result.zmtpStreams++;
    this.result.gaps += report.gaps;
    this.result.gapBytes += report.gapBytes;
    this.result.retransmittedBytes += report.retransmittedBytes;
    if (this.result.streams.length < MAX_REPORTED_STREAMS) this.result.streams.push(report);
  }

  private message(connection: CapturedConnection, message: WireMessage, from: Side): void {
    const sender = connection.socketType(from);
    connection.sessionId ??= this.sessionFor(connection);
    let tag = this.options.tag;
    if (message.kind !== 'message') {
      const what = message.kind === 'encrypted' ? `encrypted (${connection.mechanism() ?? 'CURVE'})` : 'subscription';
      tag = tag ? `${tag} · ${what}` : what;
    }
    this.store.append(
      connection.sessionId,
      from === 'client' ? 'out' : 'in',
      message.frames,
      { timeNs: message.timeNs, hasTopic: message.kind === 'message' && sender !== undefined && TOPIC_SENDERS.has(sender), tag },
      message.sizes,
    );
    this.result.imported++;
    if (message.kind === 'encrypted') this.result.encryptedMessages++;
  }

  private sessionFor(connection: CapturedConnection): string {
    const side = (s: 'client' | 'server') => {
      const identity = connection.identity(s);
      return `${connection.socketType(s) ?? '?'} ${s === 'client' ? connection.client : connection.server}${identity ? ` "${identity}"` : ''}`;
    };
    const mechanism = connection.mechanism();
    const secured = mechanism && mechanism !== 'NULL' ? ` (${mechanism})` : '';
    const name = `${side('client')} → ${side('server')}${secured}`;
    const id = `${connection.client} ${connection.server}`;
    return this.options.sessionIdFor?.({ id, name, socketType: connection.socketType('client') }) ?? id;
  }
}

export interface PcapStreamOptions extends PcapImportOptions {
  signal?: AbortSignal;
  /** After each chunk: bytes read so far. */
  onProgress?(bytesRead: number): void;
}

/**
 * Imports a capture from a stream (a file read in chunks), giving the event loop a turn after each
 * chunk. Cancelling stops between chunks; what was imported stays. A stream error rejects.
 */
export async function importPcapFromStream(
  input: NodeJS.ReadableStream | Readable,
  store: CaptureStore,
  options: PcapStreamOptions = {},
): Promise<PcapImportResult & { cancelled: boolean }> {
  const importer = new PcapImporter(store, options);
  let bytesRead = 0;
  let cancelled = false;
  for await (const chunk of input as AsyncIterable<Uint8Array>) {
    if (options.signal?.aborted) {
      cancelled = true;
      break;
    }
    bytesRead += chunk.length;
    if (!importer.push(chunk)) break;
    options.onProgress?.(bytesRead);
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (options.signal?.aborted) cancelled = true;
  return { ...importer.end(), cancelled };
}
