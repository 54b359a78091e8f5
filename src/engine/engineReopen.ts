// What a new engine must be told to carry on where a crashed one stopped: the configuration, the .proto
// schemas, the sessions and taps that were open (with the subscriptions they had by then, and a tap on
// the port it had bound) and the webview panels. The client notes each request that changes it and
// replays them, in order, to an engine started after a crash.
import type { EngineMethod, EngineParams, EngineResult } from '../shared/engineProtocol';

type Replayable = { method: EngineMethod; params: unknown };

export interface ReopenReport {
  sessions: number;
  taps: number;
  /** "prices: Address already in use" */
  failures: string[];
}

export class EngineReopenList {
  private configure: EngineParams<'configure'> = {};
  private protos: EngineParams<'decoders.loadProtos'> | undefined;
  private readonly decoderModules = new Set<string>();
  private readonly sessions = new Map<string, EngineParams<'session.open'>>();
  private readonly taps = new Map<string, EngineParams<'tap.start'>>();
  private readonly panels = new Map<string, EngineParams<'panel.open'>>();
  /** Sequence tracking per session id, replayed after the session is reopened. */
  private readonly tracking = new Map<string, EngineParams<'diagnosis.track'>>();
  private filterPresets: EngineParams<'configure'>['filterPresets'];

  /** Notes a request that succeeded (or, for closes, was sent at all). */
  note<M extends EngineMethod>(method: M, params: EngineParams<M>, result: EngineResult<M> | undefined): void {
    switch (method) {
      case 'configure':
        this.configure = { ...this.configure, ...(params as EngineParams<'configure'>) };
        break;
      case 'decoders.loadProtos':
        if (result) this.protos = params as EngineParams<'decoders.loadProtos'>;
        break;
      case 'decoders.register':
        if (result) this.decoderModules.add((params as EngineParams<'decoders.register'>).modulePath);
        break;
      case 'decoders.unregister':
        this.decoderModules.delete((params as EngineParams<'decoders.unregister'>).modulePath);
        break;
      case 'session.open':
        if (result) {
          const open = params as EngineParams<'session.open'>;
          this.sessions.set(open.spec.id, { ...open, spec: { ...open.spec } });
        }
        break;
      case 'session.subscribe': {
        const kept = this.sessions.get((params as EngineParams<'session.subscribe'>).id);
        if (kept && result) kept.spec.subscriptions = [...(result as EngineResult<'session.subscribe'>).subscriptions];
        break;
      }
      case 'session.close':
        this.sessions.delete((params as EngineParams<'session.close'>).id);
        this.tracking.delete((params as EngineParams<'session.close'>).id);
        break;
      case 'diagnosis.track':
        if (result !== undefined)
          this.tracking.set((params as EngineParams<'diagnosis.track'>).id, params as EngineParams<'diagnosis.track'>);
        break;
      case 'diagnosis.untrack':
        this.tracking.delete((params as EngineParams<'diagnosis.untrack'>).id);
        break;
      case 'tap.start':
        // A wildcard port was resolved when it bound: the clients use that one.
        if (result)
          this.taps.set((params as EngineParams<'tap.start'>).id, {
            ...(params as EngineParams<'tap.start'>),
            listen: (result as EngineResult<'tap.start'>).listen,
          });
        break;
      case 'tap.stop':
        this.taps.delete((params as EngineParams<'tap.stop'>).id);
        break;
      case 'panel.open':
        this.panels.set((params as EngineParams<'panel.open'>).panelId, { ...(params as EngineParams<'panel.open'>) });
        break;
      case 'panel.visible': {
        const panel = this.panels.get((params as EngineParams<'panel.visible'>).panelId);
        if (panel) panel.visible = (params as EngineParams<'panel.visible'>).visible;
        break;
      }
      case 'panel.close':
        this.panels.delete((params as EngineParams<'panel.close'>).panelId);
        break;
    }
  }

  /** The requests that bring a new engine to where the last one was, in the order to send them. */
  requests(): Replayable[] {
    const list: Replayable[] = [];
    if (Object.keys(this.configure).length) list.push({ method: 'configure', params: this.configure });
    if (this.protos) list.push({ method: 'decoders.loadProtos', params: this.protos });
    for (const modulePath of this.decoderModules) list.push({ method: 'decoders.register', params: { modulePath } });
    for (const params of this.sessions.values()) list.push({ method: 'session.open', params });
    for (const params of this.taps.values()) list.push({ method: 'tap.start', params });
    for (const params of this.tracking.values()) if (this.sessions.has(params.id)) list.push({ method: 'diagnosis.track', params });
    for (const params of this.panels.values()) list.push({ method: 'panel.open', params });
    return list;
  }

  /** Forgets every session and tap: after a crash loop one of them may be what kills the engine. */
  forgetOpen(): void {
    this.sessions.clear();
    this.taps.clear();
    this.tracking.clear();
  }

  /** Forgets a session or tap that could not be reopened (it is reported, not retried forever). */
  forget(method: EngineMethod, params: unknown): void {
    if (method === 'session.open') this.sessions.delete((params as EngineParams<'session.open'>).spec.id);
    if (method === 'tap.start') this.taps.delete((params as EngineParams<'tap.start'>).id);
  }

  describe(method: EngineMethod, params: unknown): string {
    if (method === 'session.open') return (params as EngineParams<'session.open'>).spec.name;
    if (method === 'tap.start') return `tap ${(params as EngineParams<'tap.start'>).name}`;
    return method;
  }
}
