// JSON Lines through the product's only paths (the streaming export and import), for tests that start
// from a string or want the lines as an array.
import { Readable, Writable } from 'node:stream';
import {
  exportJsonLinesToStream,
  importJsonLinesFromStream,
  type ExportOptions,
  type ImportOptions,
  type ImportResult,
} from '../../src/core/capture/captureJsonl';
import type { CaptureStore } from '../../src/core/capture/captureStore';

/** The lines an export writes, without their newlines. */
export async function exportLines(store: CaptureStore, options: ExportOptions = {}): Promise<string[]> {
  const chunks: string[] = [];
  const out = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  await exportJsonLinesToStream(store, out, options);
  const text = chunks.join('');
  return text ? text.slice(0, -1).split('\n') : [];
}

/** Imports `text` as one chunk; the result without the stream's `cancelled` flag. */
export async function importText(text: string, store: CaptureStore, options: ImportOptions = {}): Promise<ImportResult> {
  const { cancelled, ...result } = await importJsonLinesFromStream(Readable.from([text]), store, options);
  if (cancelled) throw new Error('an import without a signal was cancelled');
  return result;
}
