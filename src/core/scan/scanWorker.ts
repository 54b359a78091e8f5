// Entry point of the scan worker thread (bundled to dist/scanWorker.js). It owns the workspace scan index:
// it reads and scans files, resolves constants across files and computes the verdicts, so none of that
// runs on the extension host's thread. Before each file it writes the file's position in the request to
// a shared buffer, so the host's watchdog knows which file to blame if this thread hangs or runs out of
// memory and has to be replaced.
import { readFileSync, statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { SourceFiles } from './crossFileConstants';
import { PROGRESS_ITEM, PROGRESS_REQUEST, type ScanConfiguration, type ScanRequest, type ScanResponse } from './scanProtocol';
import { TopologySystems } from './topologySystems';
import { WorkspaceScanIndex } from './workspaceScanIndex';

const progress = new Int32Array((workerData as { progress: SharedArrayBuffer }).progress);
let configuration: ScanConfiguration = { roots: [], maxFileBytes: 2 * 1024 * 1024 };
let inventory: readonly string[] = [];
const overlays = new Map<string, string>();

const files: SourceFiles = {
  read(path) {
    const unsaved = overlays.get(path);
    if (unsaved !== undefined) return unsaved;
    try {
      if (statSync(path).size > configuration.maxFileBytes) return undefined;
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  list: () => inventory,
};

let index = new WorkspaceScanIndex({ files });

function handle(request: ScanRequest): ScanResponse {
  const { id } = request;
  Atomics.store(progress, PROGRESS_REQUEST, id);
  Atomics.store(progress, PROGRESS_ITEM, 0);
  switch (request.kind) {
    case 'configure':
      configuration = request.configuration;
      index = new WorkspaceScanIndex({
        files,
        budget: configuration.budget,
        systems: new TopologySystems(configuration.systems, configuration.roots),
      });
      return { id, kind: 'done' };
    case 'inventory':
      inventory = request.paths;
      return { id, kind: 'done' };
    case 'scan': {
      let changed = false;
      const kept: string[] = [];
      request.files.forEach(({ path, text }, item) => {
        Atomics.store(progress, PROGRESS_ITEM, item);
        if (text !== undefined) overlays.set(path, text);
        else overlays.delete(path);
        const content = files.read(path);
        changed = (content === undefined ? index.remove(path) : index.update(path, content)) || changed;
        if (index.resultFor(path)) kept.push(path);
      });
      return { id, kind: 'scanned', changed, kept };
    }
    case 'forget': {
      let changed = false;
      for (const path of request.paths) {
        overlays.delete(path);
        changed = index.remove(path) || changed;
      }
      return { id, kind: 'scanned', changed, kept: [] };
    }
    case 'verdicts':
      return { id, kind: 'verdicts', verdicts: index.verdicts(), skipped: index.skipped(), files: index.fileCount };
  }
}

parentPort!.on('message', (request: ScanRequest) => {
  let response: ScanResponse;
  try {
    response = handle(request);
  } catch (error) {
    response = { id: request.id, kind: 'failed', message: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(response);
});
