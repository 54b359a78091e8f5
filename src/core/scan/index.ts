// The workspace scan's public surface for the shell: feed files in as (path, text), read verdicts out.
export { scanSource, type ScanOptions } from './sourceScanner';
export { computeVerdicts } from './pairingVerdicts';
export { WorkspaceScanIndex, type SkippedFile } from './workspaceScanIndex';
export { isScannableFile, languageOfFile, mightUseZeroMQ, relativeToRoots, SCANNABLE_FILE_GLOB } from './scannableFiles';
export { parseEndpointAddress } from './endpointAddress';
export { TopologySystems, type SystemsSetting } from './topologySystems';
export { DEFAULT_BUDGET, type BudgetLimits } from './scanBudget';
export type { SourceFiles } from './crossFileConstants';
export type * from './scanTypes';
