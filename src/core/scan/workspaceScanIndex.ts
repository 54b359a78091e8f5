// The workspace's scan results kept by file, so an edit rescans only that file (and the files whose
// endpoints were computed from its constants); verdicts are recomputed from the stored results (cheap:
// they only hold the few files that use ZeroMQ). Files skipped as too complex are remembered with why.
import { CrossFileConstants, type SourceFiles } from './crossFileConstants';
import { computeVerdicts } from './pairingVerdicts';
import type { BudgetLimits } from './scanBudget';
import { languageOfFile } from './scannableFiles';
import type { EndpointVerdict, ScanResult } from './scanTypes';
import { scanSource } from './sourceScanner';
import { TopologySystems } from './topologySystems';

export interface IndexOptions {
  /** Where imported modules are read from; without it, constants are resolved within each file only. */
  files?: SourceFiles;
  budget?: BudgetLimits;
  systems?: TopologySystems;
}

export interface SkippedFile {
  file: string;
  reason: string;
}

export class WorkspaceScanIndex {
  /** Only files with at least one socket or bind/connect are kept. */
  private readonly byFile = new Map<string, ScanResult>();
  private readonly skippedFiles = new Map<string, string>();
  private readonly modules: CrossFileConstants | undefined;
  private systems: TopologySystems;
  private cached: EndpointVerdict[] | undefined;

  constructor(private readonly options: IndexOptions = {}) {
    this.modules = options.files ? new CrossFileConstants(options.files) : undefined;
    this.systems = options.systems ?? new TopologySystems(undefined);
  }

  /**
   * Rescans one file (and the files that took constants from it). Returns true when that changed what
   * the index holds (the shell can skip refreshing diagnostics otherwise). Files of a language the
   * scanner does not read are treated as removed.
   */
  update(path: string, text: string): boolean {
    const dependents = this.dependentsOf(path);
    let changed = this.store(path, text);
    for (const dependent of dependents) {
      const dependentText = dependent === path ? undefined : this.options.files?.read(dependent);
      if (dependentText !== undefined) changed = this.store(dependent, dependentText) || changed;
    }
    return changed;
  }

  remove(path: string): boolean {
    const dependents = this.dependentsOf(path);
    let changed = this.forget(path);
    for (const dependent of dependents) {
      const text = this.options.files?.read(dependent);
      if (text !== undefined) changed = this.store(dependent, text) || changed;
    }
    return changed;
  }

  clear(): void {
    this.byFile.clear();
    this.skippedFiles.clear();
    this.cached = undefined;
  }

  setSystems(systems: TopologySystems): void {
    this.systems = systems;
    this.cached = undefined;
  }

  /** The stored result for a file, if it has sockets or bind/connect calls. */
  resultFor(path: string): ScanResult | undefined {
    return this.byFile.get(path);
  }

  results(): ScanResult[] {
    return [...this.byFile.values()];
  }

  skipped(): SkippedFile[] {
    return [...this.skippedFiles]
      .map(([file, reason]) => ({ file, reason }))
      .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  }

  get fileCount(): number {
    return this.byFile.size;
  }

  verdicts(): EndpointVerdict[] {
    this.cached ??= computeVerdicts(this.results(), { systems: this.systems });
    return this.cached;
  }

  private store(path: string, text: string): boolean {
    if (!languageOfFile(path)) return this.forget(path);
    const result = scanSource(path, text, { budget: this.options.budget, modules: this.modules });
    const wasSkipped = this.skippedFiles.get(path);
    if (result.skipped) {
      const changed = this.forget(path) || wasSkipped !== result.skipped;
      this.skippedFiles.set(path, result.skipped);
      this.cached = changed ? undefined : this.cached;
      return changed;
    }
    if (wasSkipped !== undefined) this.skippedFiles.delete(path);
    if (!result.sockets.length && !result.uses.length) return this.forget(path) || wasSkipped !== undefined;
    const before = this.byFile.get(path);
    if (before && wasSkipped === undefined && JSON.stringify(before) === JSON.stringify(result)) return false;
    this.byFile.set(path, result);
    this.cached = undefined;
    return true;
  }

  private forget(path: string): boolean {
    const skipped = this.skippedFiles.delete(path);
    if (!this.byFile.delete(path)) return skipped;
    this.cached = undefined;
    return true;
  }

  /** Stored files whose endpoints used constants of `path` (directly or through other modules). */
  private dependentsOf(path: string): string[] {
    if (!this.modules) return [];
    const stale = this.modules.invalidate(path);
    const folder = path.slice(0, path.lastIndexOf('/'));
    const goSibling = path.endsWith('.go');
    const dependents: string[] = [];
    for (const [file, result] of this.byFile) {
      if (file === path) continue;
      const usesStale = result.dependencies?.some((d) => stale.has(d));
      // A new or changed Go file may define a constant its package's other files use.
      const samePackage = goSibling && file.endsWith('.go') && file.slice(0, file.lastIndexOf('/')) === folder;
      if (usesStale || samePackage) dependents.push(file);
    }
    return dependents;
  }
}
