// The webview panels' backends, one per open panel (the Message Inspector's, the monitor's), living next to
// the store they read. The host only relays: webview messages come in as requests, and what a backend
// posts leaves in the engine's event batch of that turn. What only the host can do (save a rule, write the
// clipboard, pick a replay target, show the monitor, steer the inspector) is asked of it with a host request.
import type { Finding } from '../core/diagnosis/findings';
import { subscriptionFindings } from '../core/diagnosis/subscriptionFindings';
import { readFilterPresets, type FilterPreset } from '../core/filter/captureExpressionFilter';
import type { FieldPlotSpec } from '../core/monitor/trafficSampler';
import { parsePrefix } from '../core/session/prefixBytes';
import type { SocketTypeName } from '../core/types';
import { InspectorBackend, type InspectorDeps } from '../inspector/inspectorBackend';
import { MonitorBackend, type MonitorDeps } from '../monitor/monitorBackend';
import type { SessionHealthSource } from '../monitor/monitorHealth';
import type { EngineEvents, HostRequests, PanelKind } from '../shared/engineProtocol';
import type { FilterSpec, FromWebviewMessage } from '../shared/inspectorProtocol';
import type { FromMonitorMessage } from '../shared/monitorProtocol';
import { exportSelected } from './engineCapture';
import type { EngineCore } from './engineCore';

export type HostCall = <M extends keyof HostRequests>(
  method: M,
  params: HostRequests[M]['params'],
  timeoutMs: number,
) => Promise<HostRequests[M]['result']>;

/** A panel is one webview; more than a few means a leak on the host's side, not a user's wish. */
const MAX_PANELS = 16;
/** Replay waits for the user to pick a target and edit frames. */
const REPLAY_TIMEOUT_MS = 30 * 60 * 1000;
const HOST_TIMEOUT_MS = 30 * 1000;

type Panel = { kind: 'inspector'; backend: InspectorBackend } | { kind: 'monitor'; backend: MonitorBackend };

export class EnginePanels {
  private readonly panels = new Map<string, Panel>();
  private filterPresets: FilterPreset[] = [];

  constructor(
    private readonly core: EngineCore,
    private readonly post: (body: EngineEvents['panel.post']) => void,
    private readonly callHost: HostCall,
  ) {}

  setFilterPresets(raw: unknown): void {
    this.filterPresets = readFilterPresets(raw);
  }

  open(panelId: string, kind: PanelKind, visible: boolean): void {
    this.close(panelId);
    if (this.panels.size >= MAX_PANELS) throw new Error(`At most ${MAX_PANELS} panels are served at once.`);
    const post = (message: unknown) => this.post({ panelId, messages: [message] });
    if (kind === 'monitor') {
      const backend = new MonitorBackend(monitorDeps(this.core, this.callHost), post);
      backend.setVisible(visible);
      this.panels.set(panelId, { kind, backend });
      return;
    }
    const core = this.core;
    const deps: InspectorDeps = {
      store: core.store,
      sessions: {
        list: () => core.sessions.list(),
        get: (id) => core.describe(id),
        onDidChange: (listener) => core.sessions.onDidChange(() => listener()),
      },
      decoders: core.decoders,
      getRules: () => core.rules(),
      addRule: async (rule) => {
        await this.callHost('inspector.addRule', { rule }, HOST_TIMEOUT_MS);
      },
      log: (message) => core.log('info', message),
      annotate: (seq) => core.tapAnnotation(seq),
      sequence: {
        gapMarkers: () => core.sink.gapMarkers(),
        tracking: () => core.sink.tracking(),
        valueOf: (record) => core.sink.sequenceValueOf(record.sessionId, record.direction, record.frames),
        markerBefore: (seq) => core.sink.gapMarkerBefore(seq),
      },
      replay: async (seq) => (await this.callHost('inspector.replay', { seq }, REPLAY_TIMEOUT_MS)).outcome,
      replayMessages: async (seqs) => (await this.callHost('inspector.replaySelected', { seqs }, REPLAY_TIMEOUT_MS)).outcome,
      exportMessages: async (seqs) => {
        const { path } = await this.callHost('inspector.exportPath', { count: seqs.length }, REPLAY_TIMEOUT_MS);
        if (!path) return 'cancelled';
        const { written, missing } = await exportSelected(core, path, seqs);
        const gone = missing ? ` (${missing.toLocaleString('en-US')} dropped from the capture meanwhile)` : '';
        return `${written.toLocaleString('en-US')} message${written === 1 ? '' : 's'} written to ${path}${gone}`;
      },
      getFilterPresets: () => this.filterPresets,
      plotField: async (spec: FieldPlotSpec) => (await this.callHost('inspector.plotField', { spec }, HOST_TIMEOUT_MS)).label,
    };
    const backend = new InspectorBackend(deps, {
      post,
      writeClipboard: async (text) => {
        await this.callHost('inspector.clipboard', { text }, HOST_TIMEOUT_MS);
      },
    });
    backend.setVisible(visible);
    this.panels.set(panelId, { kind, backend });
  }

  handle(panelId: string, message: { type: string }): void {
    const panel = this.require(panelId);
    if (panel.kind === 'monitor') return panel.backend.handle(message as FromMonitorMessage);
    // The backend answers the webview itself (an error reply included); the request only acknowledges.
    panel.backend
      .handle(message as FromWebviewMessage)
      .catch((error: unknown) => this.core.log('info', `Inspector: ${error instanceof Error ? error.message : String(error)}`));
  }

  setVisible(panelId: string, visible: boolean): void {
    this.panels.get(panelId)?.backend.setVisible(visible);
  }

  applyFilter(panelId: string, filter: Partial<FilterSpec>, selectSeq?: number): void {
    const panel = this.require(panelId);
    if (panel.kind !== 'inspector') throw new Error(`Panel "${panelId}" is not an inspector.`);
    panel.backend.applyFilter(filter, selectSeq);
  }

  /** The inspector panel's backend (its filter decides what a range replay sends). */
  inspector(panelId: string): InspectorBackend {
    const panel = this.require(panelId);
    if (panel.kind !== 'inspector') throw new Error(`Panel "${panelId}" is not an inspector.`);
    return panel.backend;
  }

  plot(panelId: string, spec: FieldPlotSpec): string {
    const panel = this.require(panelId);
    if (panel.kind !== 'monitor') throw new Error(`Panel "${panelId}" is not a monitor.`);
    return panel.backend.plot(spec);
  }

  close(panelId: string): void {
    this.panels.get(panelId)?.backend.dispose();
    this.panels.delete(panelId);
  }

  dispose(): void {
    for (const id of [...this.panels.keys()]) this.close(id);
  }

  private require(panelId: string): Panel {
    const panel = this.panels.get(panelId);
    if (!panel) throw new Error(`No panel "${panelId}" is open in the engine.`);
    return panel;
  }
}

/** What the monitoring panel's backend reads and asks for, from the engine's own store, sessions, taps and diagnosis. */
export function monitorDeps(core: EngineCore, callHost: HostCall): MonitorDeps {
  return {
    store: core.store,
    sessions: { name: (id) => core.describe(id)?.name ?? id, socketType: (id) => core.describe(id)?.type },
    decodeTree: core.decodeTree,
    log: (message) => core.log('info', message),
    openMessage: (seq) => void callHost('monitor.openMessage', { seq }, HOST_TIMEOUT_MS).catch(() => undefined),
    filterInspector: ({ topic, fromMs, toMs, sessionId }, selectSeq) => {
      const filter: Partial<FilterSpec> = {};
      if (topic !== undefined) filter.topic = topic;
      if (sessionId !== undefined) filter.sessionId = sessionId;
      if (fromMs !== undefined && toMs !== undefined) filter.expression = `time >= ${Math.floor(fromMs)} && time <= ${Math.ceil(toMs)}`;
      const params = selectSeq !== undefined ? { filter, selectSeq } : { filter };
      void callHost('monitor.filterInspector', params, HOST_TIMEOUT_MS).catch(() => undefined);
    },
    sessionHealth: () => sessionHealth(core),
    latencySources: () => [...core.taps.values()].filter((tap) => tap.pattern === 'request-reply'),
  };
}

/**
 * Each open session with its whole monitor timeline (the snapshot keeps only the latest events) and diagnosis:
 * the sequence findings the snapshot carries, and for a SUB or XSUB what its own subscriptions say (none at
 * all, or one ending in a NUL, a space or a newline). The publisher's topics are sampled only when the
 * user asks for a diagnosis, so the panel says what can be known from the subscriber alone.
 */
function sessionHealth(core: EngineCore): SessionHealthSource[] {
  return core.snapshot().sessions.map((s) => {
    const findings = [...(s.findings ?? []), ...ownSubscriptionFindings(s.type, s.subscriptions)];
    return {
      id: s.id,
      name: s.name,
      type: s.type,
      mode: s.mode,
      state: s.state,
      rate1s: s.rate1s,
      timeline: core.sessions.get(s.id)?.monitor.timeline() ?? s.events,
      connections: s.connections,
      routingPeerCount: s.routingPeerCount,
      ...(s.cause ? { cause: s.cause } : {}),
      ...(findings.length ? { findings } : {}),
    };
  });
}

function ownSubscriptionFindings(type: SocketTypeName, subscriptions: readonly string[] | undefined): Finding[] {
  if ((type !== 'SUB' && type !== 'XSUB') || !subscriptions) return [];
  // Each was parsed when it was subscribed, so this cannot throw on what the session holds.
  return subscriptionFindings(subscriptions.map((text) => parsePrefix(text)));
}
