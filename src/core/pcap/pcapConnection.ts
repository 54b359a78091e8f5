// One captured TCP connection: both directions reassembled and read as ZMTP, and what it amounts to
// (a ZMTP stream with socket types, identities and counts, or a stream that is not ZMTP).
import { TCP_ACK, TCP_SYN, type TcpSegment } from './packetLayers';
import { TcpDirectionReassembler, type PendingBudget } from './tcpReassembly';
import { ZmtpStreamParser, type WireMessage, type ZmtpParserLimits } from './zmtpStreamParser';
import { printable } from './zmtpWireFrames';

/** The client is the side that sent SYN (or, when the capture missed it, the one with the higher port). */
export type Side = 'client' | 'server';

export interface PcapStreamReport {
  client: string;
  server: string;
  version?: string;
  mechanism?: string;
  clientSocketType?: string;
  serverSocketType?: string;
  /** Identity (routing id) each side announced in READY, as printable text. */
  clientIdentity?: string;
  serverIdentity?: string;
  plainUser?: string;
  encrypted: boolean;
  /** Handshake commands of each side, "HELLO (200 B)". */
  clientCommands: string[];
  serverCommands: string[];
  messagesFromClient: number;
  messagesFromServer: number;
  /** The capture began after the connection did (no SYN for a side). */
  startedMidStream: boolean;
  resyncs: number;
  gaps: number;
  gapBytes: number;
  retransmittedBytes: number;
  outOfOrderSegments: number;
  partialMessages: number;
  /** The capture ended inside a message. */
  incompleteAtEnd: boolean;
  problems: string[];
}

class Direction {
  readonly parser: ZmtpStreamParser;
  readonly reassembler: TcpDirectionReassembler;
  constructor(startsAtBeginning: boolean, limits: ZmtpParserLimits, budget: PendingBudget, onMessage: (message: WireMessage) => void) {
    this.parser = new ZmtpStreamParser(startsAtBeginning, limits, onMessage);
    this.reassembler = new TcpDirectionReassembler(this.parser, budget);
  }
}

export class CapturedConnection {
  readonly client: string;
  readonly server: string;
  private fromClient: Direction | undefined;
  private fromServer: Direction | undefined;
  /** Bit 1: the client sent FIN; bit 2: the server did. */
  finished = 0;
  reset = false;
  /** Session id given when its first message was imported. */
  sessionId: string | undefined;

  constructor(
    first: TcpSegment,
    private readonly limits: ZmtpParserLimits,
    private readonly budget: PendingBudget,
    private readonly onMessage: (connection: CapturedConnection, message: WireMessage, from: Side) => void,
  ) {
    const syn = (first.flags & (TCP_SYN | TCP_ACK)) === TCP_SYN;
    const synAck = (first.flags & (TCP_SYN | TCP_ACK)) === (TCP_SYN | TCP_ACK);
    const sourceIsClient = syn || (!synAck && first.sourcePort >= first.destinationPort);
    this.client = sourceIsClient ? first.source : first.destination;
    this.server = sourceIsClient ? first.destination : first.source;
  }

  segment(segment: TcpSegment, timeNs: bigint): void {
    const from: Side = segment.source === this.client ? 'client' : 'server';
    let direction = from === 'client' ? this.fromClient : this.fromServer;
    if (!direction) {
      direction = new Direction((segment.flags & TCP_SYN) !== 0, this.limits, this.budget, (m) => this.onMessage(this, m, from));
      if (from === 'client') this.fromClient = direction;
      else this.fromServer = direction;
    }
    const other = from === 'client' ? this.fromServer : this.fromClient;
    if (segment.flags & TCP_ACK) other?.reassembler.peerAcked(segment.ack);
    direction.reassembler.segment(segment.seq, segment.flags, segment.payload, segment.missingTail, timeNs);
  }

  /** Neither side can be ZMTP any more: its bytes need not be kept or read. */
  get notZmtp(): boolean {
    const sides = [this.fromClient, this.fromServer].filter((d) => d !== undefined);
    return sides.some((d) => d.parser.state === 'not-zmtp') && !sides.some((d) => d.parser.recognised);
  }

  get recognised(): boolean {
    return [this.fromClient, this.fromServer].some((d) => d?.parser.recognised);
  }

  socketType(side: Side): string | undefined {
    return (side === 'client' ? this.fromClient : this.fromServer)?.parser.socketType;
  }

  identity(side: Side): string | undefined {
    const identity = (side === 'client' ? this.fromClient : this.fromServer)?.parser.identity;
    return identity?.length ? printable(identity, 64) : undefined;
  }

  mechanism(): string | undefined {
    return this.fromClient?.parser.mechanism ?? this.fromServer?.parser.mechanism;
  }

  /** The capture ended (or the connection closed): waiting segments are delivered, parsers concluded. */
  finish(timeNs: bigint): void {
    for (const d of [this.fromClient, this.fromServer]) {
      if (!d) continue;
      d.reassembler.flush(timeNs);
      d.parser.end(timeNs);
    }
  }

  report(): PcapStreamReport {
    const c = this.fromClient;
    const s = this.fromServer;
    const sum = (pick: (d: Direction) => number) => (c ? pick(c) : 0) + (s ? pick(s) : 0);
    const mechanism = this.mechanism();
    const problems = [...(c?.parser.problems ?? []).map((p) => `client: ${p}`), ...(s?.parser.problems ?? []).map((p) => `server: ${p}`)];
    return {
      client: this.client,
      server: this.server,
      version: c?.parser.version ?? s?.parser.version,
      mechanism,
      clientSocketType: this.socketType('client'),
      serverSocketType: this.socketType('server'),
      clientIdentity: this.identity('client'),
      serverIdentity: this.identity('server'),
      plainUser: c?.parser.username,
      encrypted: mechanism === 'CURVE' || mechanism === 'GSSAPI',
      clientCommands: c?.parser.commands ?? [],
      serverCommands: s?.parser.commands ?? [],
      messagesFromClient: c?.parser.messages ?? 0,
      messagesFromServer: s?.parser.messages ?? 0,
      startedMidStream: !!(c?.reassembler.startedMidStream || s?.reassembler.startedMidStream),
      resyncs: sum((d) => d.parser.resyncs),
      gaps: sum((d) => d.reassembler.gaps),
      gapBytes: sum((d) => d.reassembler.gapBytes),
      retransmittedBytes: sum((d) => d.reassembler.retransmittedBytes),
      outOfOrderSegments: sum((d) => d.reassembler.outOfOrderSegments),
      partialMessages: sum((d) => d.parser.partialMessages),
      incompleteAtEnd: !!(c?.parser.incompleteAtEnd || s?.parser.incompleteAtEnd),
      problems,
    };
  }
}
