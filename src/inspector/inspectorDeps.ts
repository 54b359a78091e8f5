// What the Message Inspector's backend is given: the capture, the sessions, the decoders, and what only
// its host can do (save a rule, replay, export, plot). The engine wires the real ones; tests their own.
import type { CaptureRecord, SocketTypeName } from '../core/types';
import type { FilterPreset } from '../core/filter/captureExpressionFilter';
import type { FieldPlotSpec } from '../core/monitor/trafficSampler';
import type { RuleProposal, ToWebviewMessage } from '../shared/inspectorProtocol';
import type { GapMarkerSource } from './gapMarkerFeed';
import type { CaptureSource } from './inspectorCaptureView';
import type { DecoderSource } from './messagePresenter';

export interface InspectorSessions {
  list(): ReadonlyArray<{ readonly id: string; readonly name: string; readonly type: SocketTypeName }>;
  get(id: string): { readonly name: string; readonly type: SocketTypeName | '?' } | undefined;
  onDidChange(listener: () => void): { dispose(): void };
}

export interface InspectorDeps {
  store: CaptureSource;
  sessions: InspectorSessions;
  decoders: DecoderSource;
  getRules(): readonly unknown[];
  addRule(rule: RuleProposal): Promise<void>;
  log(message: string): void;
  /** Sequence tracking (absent: no gap marker rows, no "Sequence" column). */
  sequence?: InspectorSequence;
  /** Extra words shown with a message (its row summary and its details), e.g. request/reply timing. */
  annotate?(seq: number): string | undefined;
  /** Resends a captured message wherever the user picks (absent: replay is not offered). */
  replay?(seq: number): Promise<string>;
  /** Selected rows: written to a JSON Lines file, or sent again, where the user picks (absent: not offered). */
  exportMessages?(seqs: number[]): Promise<string>;
  replayMessages?(seqs: number[]): Promise<string>;
  /** Saved filter expressions (setting zeromq.filters.presets). */
  getFilterPresets?(): readonly FilterPreset[];
  /** Plots a field in the monitoring panel; returns its label (absent: not offered). */
  plotField?(spec: FieldPlotSpec): string | Promise<string>;
}

export interface InspectorSequence extends GapMarkerSource {
  /** True while some session has sequence tracking on. */
  tracking(): boolean;
  /** The message's own sequence number, when its session is tracked and the number is readable. */
  valueOf(record: CaptureRecord): number | undefined;
  /** The marker of the gap just before this message, for its details. */
  markerBefore(seq: number): string | undefined;
}

export interface InspectorHost {
  post(message: ToWebviewMessage): void;
  writeClipboard(text: string): Promise<void>;
}
