// Gathers the live inputs of diagnose() for one open session and runs it: probes each tcp:// address it
// connects to, samples what its publisher sends (SUB/XSUB), reads its recent messages from the capture,
// and takes the sequence report of its tracker, or tracks the retained capture with a proposed field.
import type { CaptureStore } from '../capture/captureStore';
import type { SessionSecurity } from '../security/security';
import { securitySocketOptions } from '../security/security';
import { parsePrefix } from '../session/prefixBytes';
import type { Session } from '../session/session';
import type { Tap } from '../tap/tap';
import { observerFor, parseSocketType } from '../session/socketTypes';
import type { CaptureRecord, SocketTypeName } from '../types';
import { probeEndpoint, type ProbeResult } from '../zmtp/zmtpProbe';
import { diagnose, type Diagnosis, type DiagnoseInput } from './diagnose';
import type { DiagnosisSink } from './diagnosisSink';
import { SequenceTracker } from './sequenceTracker';
import type { TopicSample } from './subscriptionFindings';
import { sampleTopics } from './topicSampler';

export interface DiagnoseSessionOptions {
  store: CaptureStore;
  sink?: DiagnosisSink;
  security?: SessionSecurity;
  /** Probe the session's tcp:// addresses (default true for connecting sessions). */
  probe?: boolean;
  /** Sample the publisher's topics for this long (SUB/XSUB connecting sessions); 0 skips. Default 2000 ms. */
  sampleMs?: number;
  replyTimeoutMs?: number;
  signal?: AbortSignal;
}

/** Messages of the session read back from the capture, at most. */
const RECENT_MESSAGES = 2000;
/** Capture seqs scanned back for them. */
const SCAN_WINDOW = 200_000;
/** Messages a retroactive tracker reads. */
const RETRO_MESSAGES = 50_000;

export async function diagnoseSession(session: Session, options: DiagnoseSessionOptions): Promise<Diagnosis> {
  const input = await gatherInput(session, options);
  return diagnose(input);
}

export async function gatherInput(session: Session, options: DiagnoseSessionOptions): Promise<DiagnoseInput> {
  const { store, sink } = options;
  const tcp = session.addresses.filter((a) => a.startsWith('tcp://'));
  const connecting = session.mode === 'connect';
  const probing: Promise<ProbeResult[]> =
    connecting && options.probe !== false
      ? Promise.all(tcp.map((a) => probeEndpoint(a, { timeoutMs: 2000, signal: options.signal })))
      : Promise.resolve([]);
  const sampleMs = options.sampleMs ?? 2000;
  const subscriber = session.type === 'SUB' || session.type === 'XSUB';
  const sampling: Promise<TopicSample | undefined> =
    subscriber && connecting && sampleMs > 0 && tcp.length
      ? sampleTopics(tcp[0], {
          durationMs: sampleMs,
          signal: options.signal,
          socketOptions: options.security && options.security.mechanism !== 'null' ? securitySocketOptions(options.security) : undefined,
        }).catch(() => undefined)
      : Promise.resolve(undefined);
  const [probes, publisherTopics] = await Promise.all([probing, sampling]);
  const recent = recentRecords(store, session.id, RECENT_MESSAGES);
  const tracker = sink?.tracker(session.id);
  let sequence: DiagnoseInput['sequence'];
  const proposals = sink?.propose(session.id, session.canReceive ? 'in' : 'out') ?? [];
  if (tracker) sequence = { report: tracker.report(), fromStart: sink!.trackedFromStart(session.id) };
  else if (proposals.length) sequence = retroactive(store, session, proposals[0].field);
  const m = session.monitor;
  return {
    session: {
      name: session.name,
      type: session.type,
      mode: session.mode,
      addresses: session.addresses,
      state: session.state,
      connectionCount: m.connectionCount,
      counters: { ...m.counters },
      lastError: m.lastError,
      subscriptions: subscriber ? session.subscriptions.map((s) => parsePrefix(s)) : undefined,
      security: options.security,
      routingPeers: [...m.routingPeers.values()],
    },
    timeline: m.timeline(),
    recent,
    sequence,
    proposals,
    probes,
    publisherTopics,
    subscriptionMap: sink?.subscriptionMap(session.id)?.snapshot(),
    capture: { dropped: store.stats().dropped, total: store.stats().total },
    nowMs: Date.now(),
    replyTimeoutMs: options.replyTimeoutMs,
  };
}

/** The session's last `limit` captured messages, oldest first. */
export function recentRecords(store: CaptureStore, sessionId: string, limit: number): CaptureRecord[] {
  const from = Math.max(store.firstSeq, store.lastSeq - SCAN_WINDOW);
  const seqs = store.matchingSeqs({ sessionIds: [sessionId] }, from);
  const records: CaptureRecord[] = [];
  for (let i = Math.max(0, seqs.length - limit); i < seqs.length; i++) {
    const record = store.get(seqs[i]);
    if (record) records.push(record);
  }
  return records;
}

/** No tracker ran: read the proposed field over what the capture still holds of the session. */
function retroactive(store: CaptureStore, session: Session, field: SequenceTracker['field']): DiagnoseInput['sequence'] {
  const direction = session.canReceive ? 'in' : 'out';
  const tracker = new SequenceTracker(field);
  const records = recentRecords(store, session.id, RETRO_MESSAGES).filter((r) => r.direction === direction);
  for (const r of records) tracker.observe(r.frames, r.seq, Number(r.timeNs / 1_000_000n));
  const seen = direction === 'in' ? session.monitor.counters.messagesIn : session.monitor.counters.messagesOut;
  return { report: tracker.report(), fromStart: records.length === seen };
}

/** A tap has no monitor of its own: its counters, unanswered requests, subscription map and capture speak for it. */
export function diagnoseTap(tap: Tap, options: { store: CaptureStore; sink?: DiagnosisSink }): Diagnosis {
  const { store, sink } = options;
  const type =
    tap.pattern === 'request-reply'
      ? 'ROUTER'
      : tap.pattern === 'pub-sub'
        ? 'XPUB'
        : tap.pattern === 'pipeline-sink'
          ? 'PULL'
          : tap.pattern === 'pipeline'
            ? 'PUSH'
            : 'PAIR';
  const tracker = sink?.tracker(tap.id);
  return diagnose({
    session: {
      name: tap.name,
      type,
      mode: 'bind',
      addresses: [tap.listen],
      state: 'listening',
      connectionCount: 0,
      counters: {
        messagesIn: tap.counters.toClients,
        messagesOut: tap.counters.toService,
        bytesIn: tap.counters.bytesToClients,
        bytesOut: tap.counters.bytesToService,
      },
      lastError: tap.lastError,
    },
    timeline: [],
    recent: recentRecords(store, tap.id, RECENT_MESSAGES),
    sequence: tracker ? { report: tracker.report(), fromStart: sink!.trackedFromStart(tap.id) } : undefined,
    proposals: sink?.propose(tap.id) ?? [],
    subscriptionMap: sink?.subscriptionMap(tap.id)?.snapshot(),
    capture: { dropped: store.stats().dropped, total: store.stats().total },
    tap: { undeliverable: tap.counters.undeliverable, unanswered: tap.unanswered() },
    connections: { watched: tap.watchesConnections, connections: tap.connections() },
    nowMs: Date.now(),
  });
}

/**
 * An address with no session of ours on it (an endpoint found in the workspace's code): probe it and
 * check it against the socket type the code connects with (`socketType`), when known.
 */
export async function diagnoseAddress(
  address: string,
  options: { socketType?: SocketTypeName; signal?: AbortSignal } = {},
): Promise<Diagnosis> {
  const probes = address.startsWith('tcp://') ? [await probeEndpoint(address, { timeoutMs: 2000, signal: options.signal })] : [];
  const peer = probes[0]?.socketType ? parseSocketType(probes[0].socketType) : undefined;
  const type = options.socketType ?? (peer ? observerFor(peer).observer : undefined) ?? 'SUB';
  return diagnose({
    session: {
      name: address,
      type,
      mode: 'connect',
      addresses: [address],
      state: 'starting',
      connectionCount: 0,
      counters: { messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0 },
      subscriptions: undefined,
    },
    timeline: [],
    probes,
    nowMs: Date.now(),
  });
}
