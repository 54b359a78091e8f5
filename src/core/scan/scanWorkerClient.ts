// The extension host's side of the scan worker: it runs the workspace scan in a worker thread with
// resource limits, one request at a time, and watches it. If the worker stays on one file longer than
// the item limit, runs out of memory, or dies, it is terminated and replaced: the file it was on is
// reported as skipped ("too complex"), the new worker is given the configuration, the file list and the
// files it held again, and the request goes on without the culprit. So a hostile file costs one info
// line, never the extension host (see /docs/isolation: a worker contains loops and heap exhaustion).
import { Worker, type ResourceLimits } from 'node:worker_threads';
import {
  PROGRESS_ITEM,
  PROGRESS_REQUEST,
  PROGRESS_SLOTS,
  type FileToScan,
  type ScanConfiguration,
  type ScanRequestBody,
  type ScanResponse,
  type ScanResponseBody,
} from './scanProtocol';
import type { EndpointVerdict } from './scanTypes';
import type { SkippedFile } from './workspaceScanIndex';

export interface ScanWorkerOptions {
  /** The bundled worker entry (dist/scanWorker.js). */
  workerPath: string;
  resourceLimits?: ResourceLimits;
  /** How long the worker may stay on one file (or one verdict computation) before it is replaced. */
  itemTimeoutMs?: number;
  log?: (message: string) => void;
}

export interface VerdictSnapshot {
  verdicts: EndpointVerdict[];
  skipped: SkippedFile[];
  /** Files holding sockets. */
  files: number;
}

const DEFAULT_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 384, maxYoungGenerationSizeMb: 48, stackSizeMb: 4 };
const WATCH_EVERY_MS = 100;
/** Replacements allowed in one request before giving up on it (each one removes a culprit file). */
const MAX_RESTARTS_PER_REQUEST = 8;

class WorkerLost extends Error {
  constructor(
    readonly reason: string,
    /** Index of the request item the worker was on, when it was on this request. */
    readonly item: number | undefined,
  ) {
    super(`scan worker replaced: ${reason}`);
  }
}

interface InFlight {
  id: number;
  resolve(response: ScanResponseBody): void;
  reject(error: WorkerLost): void;
  lastItem: number;
  lastProgressAt: number;
  limitMs: number;
}

export class ScanWorkerClient {
  private worker: Worker | undefined;
  private readonly progress = new Int32Array(new SharedArrayBuffer(PROGRESS_SLOTS * 4));
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();
  private inFlight: InFlight | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private configuration: ScanConfiguration | undefined;
  private inventory: string[] = [];
  /** What the worker holds, to give a replacement: files with sockets, and unsaved editor text. */
  private readonly withSockets = new Set<string>();
  private readonly unsaved = new Map<string, string>();
  /** Files that took a worker down: never sent again until they change. */
  private readonly blamed = new Map<string, string>();
  private disposed = false;
  /** Workers replaced so far. */
  restarts = 0;

  constructor(private readonly options: ScanWorkerOptions) {}

  configure(configuration: ScanConfiguration): Promise<void> {
    this.configuration = configuration;
    return this.enqueue(async () => {
      await this.send({ kind: 'configure', configuration });
      // A new configuration starts a new index: what the old one held must be scanned again.
      this.withSockets.clear();
    });
  }

  setInventory(paths: string[]): Promise<void> {
    this.inventory = paths;
    return this.enqueue(() => this.send({ kind: 'inventory', paths }).then(() => undefined));
  }

  /**
   * Scans files (read by the worker, or the given unsaved text); true when the verdicts may have changed.
   * `changed`: the files were edited since, so one that took a worker down before is worth another try
   * (a full rescan leaves such files out instead of losing a worker to each of them again).
   */
  scan(files: FileToScan[], changed = false): Promise<boolean> {
    for (const f of files) {
      if (changed) this.blamed.delete(f.path);
      if (f.text !== undefined) this.unsaved.set(f.path, f.text);
      else this.unsaved.delete(f.path);
    }
    return this.enqueue(() => this.scanInWorker(files));
  }

  forget(paths: string[]): Promise<boolean> {
    for (const path of paths) {
      this.unsaved.delete(path);
      this.withSockets.delete(path);
      this.blamed.delete(path);
    }
    return this.enqueue(async () => {
      const response = await this.sendRecovering({ kind: 'forget', paths });
      return response.kind === 'scanned' && response.changed;
    });
  }

  verdicts(): Promise<VerdictSnapshot> {
    return this.enqueue(async () => {
      const response = await this.sendRecovering({ kind: 'verdicts' });
      if (response.kind !== 'verdicts') throw new Error(`scan worker: unexpected ${response.kind} response`);
      const blamed = [...this.blamed].map(([file, reason]) => ({ file, reason }));
      return { verdicts: response.verdicts, skipped: [...response.skipped, ...blamed], files: response.files };
    });
  }

  dispose(): void {
    this.disposed = true;
    this.stopWorker();
  }

  // ---- requests ----

  private enqueue<T>(body: () => Promise<T>): Promise<T> {
    const run = this.queue.then(body, body);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async scanInWorker(files: FileToScan[]): Promise<boolean> {
    let remaining = files.filter((f) => !this.blamed.has(f.path));
    let changed = false;
    for (let attempt = 0; remaining.length; attempt++) {
      try {
        const response = await this.send({ kind: 'scan', files: remaining });
        if (response.kind !== 'scanned') throw new Error(`scan worker: unexpected ${response.kind} response`);
        const kept = new Set(response.kept);
        for (const f of remaining)
          if (kept.has(f.path)) this.withSockets.add(f.path);
          else this.withSockets.delete(f.path);
        return response.changed || changed;
      } catch (error) {
        if (!(error instanceof WorkerLost) || attempt >= MAX_RESTARTS_PER_REQUEST) throw error;
        const culprit = remaining[error.item ?? 0];
        this.blame(culprit.path, error.reason);
        remaining = remaining.filter((f) => f !== culprit);
        changed = true;
      }
    }
    return changed;
  }

  /** Sends a request that has no file to blame; a lost worker is replaced and the request sent again. */
  private async sendRecovering(body: ScanRequestBody): Promise<ScanResponseBody> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.send(body);
      } catch (error) {
        if (!(error instanceof WorkerLost) || attempt >= 1) throw error;
      }
    }
  }

  private blame(path: string, reason: string): void {
    this.blamed.set(path, `skipped: too complex (${reason})`);
    this.withSockets.delete(path);
    this.unsaved.delete(path);
    this.options.log?.(`Scan worker replaced while scanning ${path}: ${reason}`);
  }

  private async send(body: ScanRequestBody): Promise<ScanResponseBody> {
    if (this.disposed) throw new Error('scan worker disposed');
    if (!this.worker) await this.startWorker();
    return this.post(body);
  }

  private post(body: ScanRequestBody): Promise<ScanResponseBody> {
    const worker = this.worker!;
    const id = this.nextId++;
    const limitMs = (this.options.itemTimeoutMs ?? 3000) * (body.kind === 'scan' ? 1 : 4);
    // Keep the process alive while a request is out (an idle worker must not).
    worker.ref();
    return new Promise<ScanResponseBody>((resolve, reject) => {
      this.inFlight = { id, resolve, reject, lastItem: -1, lastProgressAt: Date.now(), limitMs };
      worker.postMessage({ ...body, id });
    }).then((response) => {
      worker.unref();
      if (response.kind === 'failed') throw new Error(`scan worker: ${response.message}`);
      return response;
    });
  }

  // ---- the worker's life ----

  private async startWorker(): Promise<void> {
    for (let attempt = 0; attempt < MAX_RESTARTS_PER_REQUEST; attempt++) {
      this.spawn();
      // A replacement gets back what its predecessor knew, except the files that took it down.
      const held = [...new Set([...this.withSockets, ...this.unsaved.keys()])].filter((p) => !this.blamed.has(p));
      try {
        if (this.configuration) await this.post({ kind: 'configure', configuration: this.configuration });
        if (this.inventory.length) await this.post({ kind: 'inventory', paths: this.inventory });
      } catch (error) {
        if (error instanceof WorkerLost) continue;
        throw error;
      }
      try {
        if (held.length) await this.post({ kind: 'scan', files: held.map((path) => ({ path, text: this.unsaved.get(path) })) });
        return;
      } catch (error) {
        if (!(error instanceof WorkerLost)) throw error;
        if (error.item !== undefined) this.blame(held[error.item], error.reason);
      }
    }
    throw new Error('the scan worker keeps failing');
  }

  private spawn(): void {
    const worker = new Worker(this.options.workerPath, {
      workerData: { progress: this.progress.buffer },
      resourceLimits: this.options.resourceLimits ?? DEFAULT_LIMITS,
    });
    worker.unref();
    Atomics.store(this.progress, PROGRESS_REQUEST, 0);
    this.worker = worker;
    worker.on('message', (response: ScanResponse) => {
      const flight = this.inFlight;
      if (!flight || flight.id !== response.id) return;
      this.inFlight = undefined;
      flight.resolve(response);
    });
    worker.on('error', (error: Error & { code?: string }) => {
      if (this.worker === worker)
        this.lose(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'it ran out of memory' : `it failed: ${error.message}`);
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.lose(`it exited (code ${code})`);
    });
    this.watchdog = setInterval(() => this.watch(), WATCH_EVERY_MS);
    this.watchdog.unref();
  }

  private watch(): void {
    const flight = this.inFlight;
    if (!flight) return;
    const now = Date.now();
    // Until the worker picks the request up (it may still be loading), nothing is timed.
    const onThisRequest = Atomics.load(this.progress, PROGRESS_REQUEST) === flight.id;
    const item = onThisRequest ? Atomics.load(this.progress, PROGRESS_ITEM) : -1;
    if (item !== flight.lastItem || item < 0) {
      flight.lastItem = item;
      flight.lastProgressAt = now;
    } else if (now - flight.lastProgressAt > flight.limitMs) {
      this.lose(`it spent more than ${flight.limitMs} ms on one file`);
    }
  }

  /** The worker is gone (or must go): end it, fail the request in flight with the item it was on. */
  private lose(reason: string): void {
    const flight = this.inFlight;
    const onThisRequest = flight && Atomics.load(this.progress, PROGRESS_REQUEST) === flight.id;
    const item = onThisRequest ? Atomics.load(this.progress, PROGRESS_ITEM) : undefined;
    this.stopWorker();
    this.restarts++;
    this.inFlight = undefined;
    flight?.reject(new WorkerLost(reason, item));
  }

  private stopWorker(): void {
    clearInterval(this.watchdog);
    this.watchdog = undefined;
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
  }
}
