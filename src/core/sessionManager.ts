// Owns every open session and the capture store they feed. The extension keeps exactly one of these;
// disposing it closes every socket.
import { Session, type CaptureSink, type SessionOptions } from './session';
import type { TimelineEvent } from './sessionMonitor';
import { ZmqUserError } from './zmqErrors';

export type SessionListener = (change: { kind: 'opened' | 'closed' | 'event'; session: Session; event?: TimelineEvent }) => void;

export class SessionManager {
  private readonly sessions = new Map<string, Session>();
  private readonly listeners = new Set<SessionListener>();
  private nextId = 1;

  constructor(readonly sink: CaptureSink) {}

  list(): Session[] {
    return [...this.sessions.values()];
  }

  get(id: string): Session | undefined {
    return this.sessions.get(id);
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
    this.emit({ kind: 'opened', session });
    return session;
  }

  close(id: string): boolean {
    const session = this.sessions.get(id);
    if (!session) return false;
    session.close();
    this.sessions.delete(id);
    this.emit({ kind: 'closed', session });
    return true;
  }

  onDidChange(listener: SessionListener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Closes every socket. Safe to call twice. */
  dispose(): void {
    for (const id of [...this.sessions.keys()]) this.close(id);
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
