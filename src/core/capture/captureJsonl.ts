// Capture export and import as JSON Lines (one message a line, frames in base64, with the decoder used):
// export in captureJsonlExport.ts, import of untrusted files in captureJsonlImport.ts.
export * from './captureJsonlExport';
export * from './captureJsonlImport';
