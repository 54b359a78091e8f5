// The generated corpus (test/support/topologyCorpus.ts): hundreds of correct, unrelated programs per
// language reusing the same ports. Recall: a socket counts as found when the scanner reports a socket of
// the same type created on the same line of the same file (each expected socket matched at most once).
// The verdicts hold at most 10 errors and 30 warnings; the seeded workspace's wrong pairings (one per
// binding and per cross-file form) are each an error, and an application object's connect is nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { WorkspaceScanIndex, isScannableFile, type SourceFiles } from '../../src/core/scan';
import { writeCorpus, writeSeededWorkspace, type CorpusLanguage } from '../support/topologyCorpus';
import { filesBelow } from '../support/fileTree';

/** Scans a folder as the worker does: every scannable file, with the file list for imports. */
function scanFolder(root: string): WorkspaceScanIndex {
  const paths = filesBelow(root).filter((p) => isScannableFile(p, [root]));
  const files: SourceFiles = { read: (p) => readFileSync(p, 'utf8'), list: () => paths };
  const index = new WorkspaceScanIndex({ files });
  for (const path of paths) index.update(path, readFileSync(path, 'utf8'));
  return index;
}

function severities(index: WorkspaceScanIndex) {
  const counts = { error: 0, warning: 0, info: 0 };
  for (const v of index.verdicts()) for (const f of v.findings) counts[f.severity]++;
  return counts;
}

test('corpus: recall of socket creations is at least 95% per language folder; Problems get at most 10 errors and 30 warnings', () => {
  const root = mkdtempSync(join(tmpdir(), 'zmq-corpus-'));
  try {
    const manifest = writeCorpus(root);
    const started = performance.now();
    const index = scanFolder(root);
    const ms = performance.now() - started;
    const found = new Map<string, number>();
    for (const result of index.results())
      for (const s of result.sockets) {
        const key = `${relative(root, result.file)}:${s.range.line + 1}:${s.type}`;
        found.set(key, (found.get(key) ?? 0) + 1);
      }
    const rows: string[] = [];
    let total = 0;
    for (const [language, expected] of Object.entries(manifest.sockets) as Array<[CorpusLanguage, typeof manifest.sockets.python]>) {
      const available = new Map(found);
      let hits = 0;
      const missed: string[] = [];
      for (const e of expected) {
        const key = `${e.file}:${e.line}:${e.type}`;
        if ((available.get(key) ?? 0) > 0) {
          available.set(key, available.get(key)! - 1);
          hits++;
        } else missed.push(key);
      }
      total += expected.length;
      const recall = hits / expected.length;
      rows.push(`${language.padEnd(10)} ${String(expected.length).padStart(4)} sockets, recall ${(recall * 100).toFixed(1)}%`);
      if (missed.length) console.log(`${language} missed: ${missed.join(', ')}`);
      assert.ok(recall >= 0.95, `${language}: recall ${(recall * 100).toFixed(1)}%, missed ${missed.slice(0, 10).join(', ')}`);
    }
    const counts = severities(index);
    console.log(`corpus: ${manifest.files} files, ${total} sockets, ${index.fileCount} files with sockets, scanned in ${ms.toFixed(0)} ms`);
    console.log(rows.join('\n'));
    console.log(`findings: ${counts.error} errors, ${counts.warning} warnings (Problems); ${counts.info} infos (Pairings view only)`);
    const problems = index
      .verdicts()
      .flatMap((v) => v.findings.filter((f) => f.severity !== 'info').map((f) => `${relative(root, f.range.file)}: ${f.message}`));
    assert.ok(counts.error <= 10, problems.join('\n'));
    assert.ok(counts.warning <= 30, problems.join('\n'));
    assert.equal(index.skipped().length, 0);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('seeded workspace: every wrong pairing (one per binding, one per cross-file form) is an error where the REQ connects', () => {
  const root = mkdtempSync(join(tmpdir(), 'zmq-seeded-'));
  try {
    const manifest = writeSeededWorkspace(root);
    const index = scanFolder(root);
    const errors = index
      .verdicts()
      .flatMap((v) => v.findings.filter((f) => f.severity === 'error').map((f) => relative(root, f.range.file)));
    const missing = manifest.errors.filter((e) => !errors.includes(e.file)).map((e) => `${e.library} (${e.file})`);
    assert.deepEqual(missing, []);
    assert.equal(errors.length, manifest.errors.length, `one error per seed: ${errors.join(', ')}`);
    const findingsIn = (file: string) =>
      index
        .verdicts()
        .flatMap((v) => [...v.binders, ...v.connectors])
        .filter((p) => relative(root, p.range.file) === file);
    for (const file of manifest.clean) assert.deepEqual(findingsIn(file), [], file);
    console.log(
      `seeded: ${manifest.errors.length} wrong pairings (${manifest.errors.map((e) => e.library).join('; ')}), ${errors.length} errors`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
