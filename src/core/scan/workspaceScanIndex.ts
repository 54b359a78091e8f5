// The workspace's scan results kept by file, so an edit rescans only that file; verdicts are
// recomputed from the stored results (cheap: they only hold the few files that use ZeroMQ).
import { computeVerdicts } from './pairingVerdicts';
import { isScannableFile } from './scannableFiles';
import type { EndpointVerdict, ScanResult } from './scanTypes';
import { scanSource } from './sourceScanner';

export class WorkspaceScanIndex {
  /** Only files with at least one socket or bind/connect are kept. */
  private readonly byFile = new Map<string, ScanResult>();
  private cached: EndpointVerdict[] | undefined;

  /**
   * Rescans one file. Returns true when that changed what the index holds for it (the shell can skip
   * refreshing diagnostics otherwise). Files that are not scannable are treated as removed.
   */
  update(path: string, text: string): boolean {
    if (!isScannableFile(path)) return this.remove(path);
    const result = scanSource(path, text);
    if (!result.sockets.length && !result.uses.length) return this.remove(path);
    const before = this.byFile.get(path);
    if (before && JSON.stringify(before) === JSON.stringify(result)) return false;
    this.byFile.set(path, result);
    this.cached = undefined;
    return true;
  }

  remove(path: string): boolean {
    if (!this.byFile.delete(path)) return false;
    this.cached = undefined;
    return true;
  }

  clear(): void {
    this.byFile.clear();
    this.cached = undefined;
  }

  /** The stored result for a file, if it has sockets or bind/connect calls. */
  resultFor(path: string): ScanResult | undefined {
    return this.byFile.get(path);
  }

  results(): ScanResult[] {
    return [...this.byFile.values()];
  }

  get fileCount(): number {
    return this.byFile.size;
  }

  verdicts(): EndpointVerdict[] {
    this.cached ??= computeVerdicts(this.results());
    return this.cached;
  }
}
