// Owns every open session and the capture store they feed. The extension keeps exactly one of these;
// disposing it closes every socket.
import { Session, type CaptureSink, type SessionOptions } from './session';
import type { TimelineEvent } from './sessionMonitor';
import { ZmqUserError } from './zmqErrors';

export type SessionListener = (change: { kind: 'opened' | 'closed' | 'event'; session: Session; event?: TimelineEvent }) => void;

export class SessionManager {
  private readonly sessions = new Map<string, Session>();
  private readonly listeners = new Set<SessionListener>();
  /** Name and type of every session ever opened: captured messages outlive their session. */
  private readonly history = new Map<string, { id: string; name: string; type: Session['type'] | '?' }>();
  private nextId = 1;
  private nextImportedId = 1;

  constructor(readonly sink: CaptureSink) {}

  list(): Session[] {
    return [...this.sessions.values()];
  }

  get(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  /**
   * The session directory: name and socket type of every id the capture holds messages under, whether a
   * session (open or closed), a tap, or an imported file's session.
   */
  describe(id: string): { id: string; name: string; type: Session['type'] | '?' } | undefined {
    return this.history.get(id);
  }

  /**
   * A session id for messages imported from a file: its own id space (i1, i2...), since the file's
   * ids (s1, s2...) belong to the window that captured them and would collide with this window's.
   * The name and type show in the inspector like those of a closed session ('?': the file did not say).
   */
  adoptImported(name: string, type: Session['type'] | undefined): string {
    const id = `i${this.nextImportedId++}`;
    this.recordCaptureSource(id, name, type);
    return id;
  }

  /** Names a source that captures under its own id (a tap), so the directory can describe its messages. */
  recordCaptureSource(id: string, name: string, type: Session['type'] | undefined): void {
    this.history.set(id, { id, name, type: type ?? '?' });
  }

  findByName(name: string): Session | undefined {
    return this.list().find((s) => s.name === name);
  }

  /** Opens a session; a name already in use by an open session is an error (names key saved endpoints). */
  async open(options: SessionOptions): Promise<Session> {
    if (this.findByName(options.name)) throw new ZmqUserError(`A session named "${options.name}" is already open.`);
    const id = options.id ?? `s${this.nextId++}`;
    if (this.sessions.has(id)) throw new ZmqUserError(`A session with id "${id}" is already open.`);
    const session = await Session.open({ ...options, id }, this.sink, (s, event) => this.emit({ kind: 'event', session: s, event }));
    this.sessions.set(id, session);
    this.history.set(id, { id, name: session.name, type: session.type });
    this.emit({ kind: 'opened', session });
    return session;
  }

  /** Closes a session; resolves once its bound ports are free again. */
  async close(id: string): Promise<boolean> {
    const session = this.sessions.get(id);
    if (!session) return false;
    this.sessions.delete(id);
    const closed = session.close();
    this.emit({ kind: 'closed', session });
    await closed;
    return true;
  }

  onDidChange(listener: SessionListener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Closes every socket; resolves once all bound ports are free. Safe to call twice. */
  async dispose(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((id) => this.close(id)));
    this.listeners.clear();
  }

  private emit(change: Parameters<SessionListener>[0]): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {
        // A listener's failure must not break the receive path or other listeners.
      }
    }
  }
}
