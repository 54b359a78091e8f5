// The workspace scan's public surface for the shell: feed files in as (path, text), read verdicts out.
export { scanSource } from './sourceScanner';
export { computeVerdicts } from './pairingVerdicts';
export { WorkspaceScanIndex } from './workspaceScanIndex';
export { isScannableFile, languageOfFile, mightUseZeroMQ, SCANNABLE_FILE_GLOB } from './scannableFiles';
export { parseEndpointAddress } from './endpointAddress';
export type * from './scanTypes';
