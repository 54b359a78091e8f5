// Watches the capture path for diagnosis: a CaptureSink that hands each message to the real sink first,
// then to what watches its session: a sequence tracker (when the user picked a field), the sampler of
// the first messages (for a proposed field), and the subscription map of a pub-sub tap or bound XPUB.
// Capture evictions happen later, inside the store: they never look like losses here.
import type { CaptureSink } from '../session/session';
import type { AppendOptions, Direction } from '../types';
import { PROPOSAL_FRAME_BYTES, PROPOSAL_SAMPLES, proposeSequenceFields, type SequenceProposal } from './sequenceProposal';
import type { PublisherKey, SequenceField } from './sequenceField';
import { gapMarker } from './sequenceFindings';
import { SequenceTracker } from './sequenceTracker';
import { SubscriptionMap } from './subscriptionMap';

const SAMPLED_FRAMES = 4;
const MAX_WATCHED_SESSIONS = 4096;

interface SessionWatch {
  /** The first messages of each direction, copied (for proposals). */
  samples: { in: Uint8Array[][]; out: Uint8Array[][] };
  /** Messages seen per direction. */
  seen: { in: number; out: number };
  /** Messages of the tracked direction seen before the tracker started. */
  seenBeforeTracking: number;
  tracker?: SequenceTracker;
  trackDirection: Direction;
  subscriptions?: SubscriptionMap;
  /** Where subscription messages come from: 'out' for a tap (towards the publisher), 'in' for a bound XPUB. */
  subscriptionDirection: Direction;
}

export interface TrackOptions {
  publisher?: PublisherKey;
  topicPrefix?: Uint8Array;
  /** Which direction carries the numbered messages; default 'in'. */
  direction?: Direction;
  /** Messages of the session captured before tracking started (from the store), read first. */
  backfill?: ReadonlyArray<{ seq: number; direction: Direction; frames: Uint8Array[]; timeNs: bigint }>;
}

export class DiagnosisSink implements CaptureSink {
  private readonly watches = new Map<string, SessionWatch>();
  private lastSessionId?: string;
  private lastWatch?: SessionWatch;
  /** Tells a replaced tracker from the one before it (both start at version 0). */
  private readonly trackerIds = new WeakMap<SequenceTracker, number>();
  private trackerCount = 0;

  constructor(
    private readonly inner: CaptureSink,
    private readonly now: () => number = Date.now,
  ) {}

  get maxBytes(): number | undefined {
    return this.inner.maxBytes;
  }

  append(sessionId: string, direction: Direction, frames: Uint8Array[], options?: AppendOptions): number {
    const seq = this.inner.append(sessionId, direction, frames, options);
    const watch = sessionId === this.lastSessionId ? this.lastWatch! : this.watchFor(sessionId);
    watch.seen[direction]++;
    const samples = watch.samples[direction];
    if (samples.length < PROPOSAL_SAMPLES) samples.push(copyFrames(frames));
    if (watch.tracker && direction === watch.trackDirection) watch.tracker.observe(frames, seq);
    const map = watch.subscriptions;
    if (map) {
      if (direction === watch.subscriptionDirection) {
        if (frames.length === 1) map.onSubscriptionMessage(frames[0], this.now());
      } else map.onPublication(frames, this.now());
    }
    return seq;
  }

  /** Starts tracking `field` on the session's messages from now on (replacing an earlier tracker). */
  track(sessionId: string, field: SequenceField, options: TrackOptions = {}): SequenceTracker {
    const watch = this.watchFor(sessionId);
    const tracker = new SequenceTracker(field, { publisher: options.publisher, topicPrefix: options.topicPrefix, now: this.now });
    watch.tracker = tracker;
    this.trackerIds.set(tracker, ++this.trackerCount);
    watch.trackDirection = options.direction ?? 'in';
    let backfilled = 0;
    for (const record of options.backfill ?? []) {
      if (record.direction !== watch.trackDirection) continue;
      tracker.observe(record.frames, record.seq, Number(record.timeNs / 1_000_000n));
      backfilled++;
    }
    watch.seenBeforeTracking = watch.seen[watch.trackDirection] - backfilled;
    return tracker;
  }

  /** The tracker has seen the session's messages from the first one (a late joiner can be told). */
  trackedFromStart(sessionId: string): boolean {
    const watch = this.watches.get(sessionId);
    return !!watch?.tracker && watch.seenBeforeTracking === 0;
  }

  untrack(sessionId: string): void {
    const watch = this.watches.get(sessionId);
    if (watch) watch.tracker = undefined;
  }

  tracker(sessionId: string): SequenceTracker | undefined {
    return this.watches.get(sessionId)?.tracker;
  }

  /** The inspector's marker for a captured message that follows a gap, in any tracked session. */
  gapMarkerBefore(captureSeq: number): string | undefined {
    for (const watch of this.watches.values()) {
      if (!watch.tracker) continue;
      const gap = watch.tracker.gapBefore(captureSeq);
      if (gap) return gapMarker(gap);
    }
    return undefined;
  }

  /**
   * Every tracked session's recent gaps, by the capture seq of the message after each, with the marker
   * text; `version` changes whenever one of them (or what is tracked) does.
   */
  gapMarkers(): { version: string; markers: { captureSeq: number; text: string }[] } {
    const versions: string[] = [];
    const markers: { captureSeq: number; text: string }[] = [];
    for (const [id, watch] of this.watches) {
      if (!watch.tracker) continue;
      versions.push(`${id}:${this.trackerIds.get(watch.tracker)}:${watch.tracker.version}`);
      for (const gap of watch.tracker.recentGaps()) markers.push({ captureSeq: gap.beforeCaptureSeq, text: gapMarker(gap) });
    }
    return { version: versions.join(','), markers };
  }

  /** The tracked sequence number of a captured message, when its session is tracked and the number readable. */
  sequenceValueOf(sessionId: string, direction: Direction, frames: readonly Uint8Array[]): number | undefined {
    const watch = this.watches.get(sessionId);
    if (!watch?.tracker || direction !== watch.trackDirection) return undefined;
    return watch.tracker.valueOf(frames);
  }

  /** True while at least one session has a sequence tracker. */
  tracking(): boolean {
    for (const watch of this.watches.values()) if (watch.tracker) return true;
    return false;
  }

  /** Proposed sequence fields from the session's first messages of `direction` (default 'in'). */
  propose(sessionId: string, direction: Direction = 'in'): SequenceProposal[] {
    const watch = this.watches.get(sessionId);
    return watch ? proposeSequenceFields(watch.samples[direction]) : [];
  }

  /** Builds a subscription map for a pub-sub tap (subscriptions go 'out') or a bound XPUB session ('in'). */
  mapSubscriptions(sessionId: string, subscriptionDirection: Direction): SubscriptionMap {
    const watch = this.watchFor(sessionId);
    watch.subscriptions ??= new SubscriptionMap();
    watch.subscriptionDirection = subscriptionDirection;
    return watch.subscriptions;
  }

  subscriptionMap(sessionId: string): SubscriptionMap | undefined {
    return this.watches.get(sessionId)?.subscriptions;
  }

  /** Forgets a session (closed and its capture cleared). */
  forget(sessionId: string): void {
    this.watches.delete(sessionId);
    if (this.lastSessionId === sessionId) this.lastSessionId = undefined;
  }

  private watchFor(sessionId: string): SessionWatch {
    let watch = this.watches.get(sessionId);
    if (!watch) {
      if (this.watches.size >= MAX_WATCHED_SESSIONS) this.watches.delete(this.watches.keys().next().value!);
      watch = {
        samples: { in: [], out: [] },
        seen: { in: 0, out: 0 },
        seenBeforeTracking: 0,
        trackDirection: 'in',
        subscriptionDirection: 'out',
      };
      this.watches.set(sessionId, watch);
    }
    this.lastSessionId = sessionId;
    this.lastWatch = watch;
    return watch;
  }
}

function copyFrames(frames: Uint8Array[]): Uint8Array[] {
  const n = Math.min(frames.length, SAMPLED_FRAMES);
  const copy: Uint8Array[] = [];
  for (let i = 0; i < n; i++) copy.push(frames[i].slice(0, PROPOSAL_FRAME_BYTES));
  // An empty extra frame keeps "frame 3 is the last" from being proposed for a longer message.
  if (frames.length > n) copy.push(new Uint8Array(0));
  return copy;
}
