// Batches the engine's events: everything emitted during one turn of the event loop leaves as a single IPC
// message, and a panel's posts of that turn merge into one event. Replies go out at once (they end a
// wait on the other side).
import type { EngineEvent, EngineEvents, EngineEventName, EngineToHost } from '../shared/engineProtocol';

export class EngineOutbox {
  private queued: EngineEvent[] = [];
  private scheduled = false;

  constructor(private readonly send: (message: EngineToHost) => void) {}

  emit<E extends EngineEventName>(event: E, body: EngineEvents[E]): void {
    if (event === 'panel.post') {
      const post = body as EngineEvents['panel.post'];
      const last = this.queued[this.queued.length - 1];
      if (last?.event === 'panel.post' && last.body.panelId === post.panelId) {
        last.body.messages.push(...post.messages);
        return;
      }
      this.queued.push({ event: 'panel.post', body: { panelId: post.panelId, messages: [...post.messages] } });
    } else {
      this.queued.push({ event, body } as EngineEvent);
    }
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Sends what is queued now (also called before the engine exits). */
  flush(): void {
    this.scheduled = false;
    if (!this.queued.length) return;
    const events = this.queued;
    this.queued = [];
    this.send({ kind: 'events', events });
  }
}
