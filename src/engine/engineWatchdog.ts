// Notices an engine that is alive but stuck (a runaway loop never exits, so no 'exit' tells): when nothing was
// heard from it for a while, it is asked a ping; the client kills one that does not answer in time.

export class EngineWatchdog {
  private timer: NodeJS.Timeout | undefined;
  private pinging = false;
  private lastHeard = 0;

  /** `ping` runs when the engine has been silent `idleMs`, never twice at once. */
  constructor(
    private readonly idleMs: number,
    private readonly ping: () => Promise<void>,
  ) {}

  /** Something arrived from the engine. */
  heard(): void {
    this.lastHeard = Date.now();
  }

  start(): void {
    this.stop();
    this.timer = setInterval(
      () => {
        if (this.pinging || Date.now() - this.lastHeard < this.idleMs) return;
        this.pinging = true;
        void this.ping().finally(() => (this.pinging = false));
      },
      Math.min(1000, this.idleMs),
    );
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.pinging = false;
  }
}
