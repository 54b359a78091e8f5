// The conversation between the extension host and the scan worker (scanWorker.ts), one request at a time.
// Files cross as paths (the worker reads them from disk) or, for unsaved editor text, with their text.
import type { BudgetLimits } from './scanBudget';
import type { EndpointVerdict } from './scanTypes';
import type { SystemsSetting } from './topologySystems';
import type { SkippedFile } from './workspaceScanIndex';

export interface ScanConfiguration {
  /** Workspace folders (absolute, `/`-separated): systems' globs are relative to them. */
  roots: string[];
  systems?: SystemsSetting;
  budget?: BudgetLimits;
  /** Files larger than this are not read. */
  maxFileBytes: number;
}

export interface FileToScan {
  path: string;
  /** Unsaved editor text; without it the worker reads the file (and drops any text given before). */
  text?: string;
}

export type ScanRequestBody =
  | { kind: 'configure'; configuration: ScanConfiguration }
  /** Every scannable file of the workspace, for finding the modules a file imports. */
  | { kind: 'inventory'; paths: string[] }
  | { kind: 'scan'; files: FileToScan[] }
  | { kind: 'forget'; paths: string[] }
  | { kind: 'verdicts' };

export type ScanRequest = ScanRequestBody & { id: number };

export type ScanResponseBody =
  | { kind: 'done' }
  /** `kept`: paths of the batch that hold sockets; `changed`: the verdicts may differ. */
  | { kind: 'scanned'; changed: boolean; kept: string[] }
  | { kind: 'verdicts'; verdicts: EndpointVerdict[]; skipped: SkippedFile[]; files: number }
  | { kind: 'failed'; message: string };

export type ScanResponse = ScanResponseBody & { id: number };

/** Int32 slots of the shared progress buffer: which request and which of its items the worker is on. */
export const PROGRESS_REQUEST = 0;
export const PROGRESS_ITEM = 1;
export const PROGRESS_SLOTS = 2;
