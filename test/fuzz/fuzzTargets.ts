// Fuzz targets over the parsers that take hostile input: every decoder, the endpoint parser, the JSON
// Lines importer, the settings reader, the ZMTP greeting parser, the workspace scanner, the engine protocol,
// and more below. Each property only demands what must hold for any input: no throw, no hang, bounded
// output. Run short and seeded in `npm test`, long in
// `npm run fuzz`.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { CaptureStore } from '../../src/core/capture/captureStore';
import { DECODE_LIMITS, createDefaultRegistry, type DecodedNode } from '../../src/core/decoders';
import { parseEndpoint } from '../../src/core/session/endpoint';
import { readEndpointDefinitions } from '../../src/core/session/endpointConfig';
import { ZmtpGreetingParser } from '../../src/core/zmtp/zmtpGreeting';
import { engineProtocolProperty } from './engineFuzzTarget';
import { checkScenarioFile } from '../../src/core/scenario/scenarioCheck';
import { parseScenarioFile } from '../../src/core/scenario/scenarioParser';
import { scanSource } from '../../src/core/scan';
import { PcapImporter } from '../../src/core/pcap/pcapImport';
import { ZmtpStreamParser } from '../../src/core/pcap/zmtpStreamParser';
import { MAX_KEPT_BODY, ZmtpStreamScanner } from '../../src/core/tap/zmtpStreamScanner';
import { importText } from '../support/jsonLines';
import { cborSharedDoubling, msgpackSelfContaining, msgpackSharedDoubling } from '../support/hostileFrames';

const captures = ['pubsub.pcap', 'routerdealer.pcapng', 'curve.pcap'].map((name) => readFileSync(`test/fixtures/pcap/${name}`));

const registry = createDefaultRegistry();

/** Bytes that look like something: JSON/msgpack/CBOR/protobuf-ish prefixes mutated, or plain random. */
const frames = fc.oneof(
  fc.uint8Array({ maxLength: 256 }),
  fc.json().map((j) => Buffer.from(j)),
  fc.array(fc.constantFrom(0x5b, 0x7b, 0x91, 0xdc, 0xff, 0x81, 0x9f, 0x0a, 0x08, 0x12), { maxLength: 2000 }).map((a) => Uint8Array.from(a)),
  fc
    .tuple(fc.constantFrom(0x0a, 0x12, 0x1a), fc.uint8Array({ minLength: 1, maxLength: 10 }), fc.uint8Array({ maxLength: 64 }))
    .map(([tag, len, rest]) => Uint8Array.from([tag, ...len, ...rest])),
);

/** CBOR values built of arrays, maps, sets and strings, with shareables (tag 28) and references to them (tag 29). */
const cborGraph = fc.letrec<{ value: number[] }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: 0, max: 23 }).map((n) => [n]),
    fc.string({ maxLength: 8 }).map((t) => [0x60 | Math.min(Buffer.byteLength(t), 23), ...Buffer.from(t).subarray(0, 23)]),
    fc.array(tie('value'), { maxLength: 4 }).map((items) => [0x80 | items.length, ...items.flat()]),
    fc
      .array(fc.tuple(fc.constantFrom('a', 'b', 'c'), tie('value')), { maxLength: 3 })
      .map((entries) => [0xa0 | entries.length, ...entries.flatMap(([k, v]) => [0x61, k.charCodeAt(0), ...v])]),
    tie('value').map((v) => [0xd8, 28, ...v]),
    fc.integer({ min: 0, max: 30 }).map((id) => [0xd8, 29, ...(id < 24 ? [id] : [0x18, id])]),
    fc.array(tie('value'), { maxLength: 3 }).map((items) => [0xd9, 0x01, 0x02, 0x80 | items.length, ...items.flat()]),
  ),
})).value;

/** MessagePack values with msgpackr's structured-clone extensions: 0x69 defines id N, 0x70 refers to it. */
const msgpackGraph = fc.letrec<{ value: number[] }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: 0, max: 127 }).map((n) => [n]),
    fc.string({ maxLength: 8 }).map((t) => [0xa0 | Math.min(Buffer.byteLength(t), 31), ...Buffer.from(t).subarray(0, 31)]),
    fc.array(tie('value'), { maxLength: 4 }).map((items) => [0x90 | items.length, ...items.flat()]),
    fc
      .array(fc.tuple(fc.constantFrom('a', 'b', 'c'), tie('value')), { maxLength: 3 })
      .map((entries) => [0x80 | entries.length, ...entries.flatMap(([k, v]) => [0xa1, k.charCodeAt(0), ...v])]),
    fc.tuple(fc.integer({ min: 0, max: 30 }), tie('value')).map(([id, v]) => [0xd6, 0x69, 0, 0, 0, id, ...v]),
    fc.integer({ min: 0, max: 30 }).map((id) => [0xd6, 0x70, 0, 0, 0, id]),
  ),
})).value;

/** Frames with shared references: generated graphs, and the known doubling and self-containing ones. */
const sharedReferenceFrames = fc.oneof(
  { arbitrary: cborGraph.map((bytes) => ({ decoderId: 'cbor', frame: Uint8Array.from(bytes) })), weight: 10 },
  { arbitrary: msgpackGraph.map((bytes) => ({ decoderId: 'msgpack', frame: Uint8Array.from(bytes) })), weight: 10 },
  // Few of these: each is one known shape, and its detail writes a whole text budget (tens of ms).
  {
    arbitrary: fc.integer({ min: 1, max: 28 }).map((n) => ({ decoderId: 'cbor', frame: new Uint8Array(cborSharedDoubling(n)) })),
    weight: 1,
  },
  {
    arbitrary: fc.integer({ min: 1, max: 28 }).map((n) => ({ decoderId: 'msgpack', frame: new Uint8Array(msgpackSharedDoubling(n)) })),
    weight: 1,
  },
  { arbitrary: fc.constant({ decoderId: 'msgpack', frame: new Uint8Array(msgpackSelfContaining()) }), weight: 1 },
);

function treeSize(node: DecodedNode): { nodes: number; chars: number } {
  let nodes = 1;
  let chars = (node.value?.length ?? 0) + (node.key?.length ?? 0);
  for (const child of node.children ?? []) {
    const sub = treeSize(child);
    nodes += sub.nodes;
    chars += sub.chars;
  }
  return { nodes, chars };
}

export interface FuzzTarget {
  name: string;
  property: fc.IProperty<unknown[]> | fc.IAsyncProperty<unknown[]>;
}

export const FUZZ_TARGETS: FuzzTarget[] = [
  {
    name: 'decoders (every decoder, auto-detection)',
    property: fc.property(frames, (frame) => {
      for (const decoder of registry.list()) {
        const result = registry.decodeFrame(frame, { frameIndex: 0, frameCount: 1 }, { decoderId: decoder.id });
        if (typeof result.ok !== 'boolean') throw new Error('no result');
        if (result.ok && (result.summary.length > 1000 || (result.text?.length ?? 0) > 2 * 1024 * 1024))
          throw new Error('unbounded output');
      }
      registry.decodeFrame(frame, { frameIndex: 1, frameCount: 2, topic: 'x' });
    }),
  },
  {
    name: 'decoders with shared references (CBOR tags 28/29, msgpackr 0x69/0x70): budgets hold',
    property: fc.property(sharedReferenceFrames, ({ decoderId, frame }) => {
      for (const options of [{ decoderId }, {}]) {
        const result = registry.decodeFrame(frame, { frameIndex: 0, frameCount: 1 }, options);
        if (!result.ok) continue;
        if (result.summary.length > 1000) throw new Error(`summary of ${result.summary.length} characters`);
        if ((result.text?.length ?? 0) > DECODE_LIMITS.maxTextChars + 300) throw new Error(`text of ${result.text!.length} characters`);
        if (result.tree) {
          const size = treeSize(result.tree);
          if (size.nodes > DECODE_LIMITS.maxNodes + DECODE_LIMITS.maxDepth + 2) throw new Error(`tree of ${size.nodes} nodes`);
          if (size.chars > DECODE_LIMITS.maxTreeChars + DECODE_LIMITS.maxValueChars + 1000)
            throw new Error(`tree of ${size.chars} characters`);
        }
      }
      const row = registry.decodeFrame(frame, { frameIndex: 0, frameCount: 1, purpose: 'summary' }, { decoderId });
      if (row.ok && (row.tree || row.text !== undefined)) throw new Error('a summary built a tree or a text');
    }),
  },
  {
    name: 'endpoint parser',
    property: fc.property(
      fc.oneof(
        fc.string(),
        fc.constantFrom('tcp://', 'ipc://', 'inproc://', 'pgm://', '[', ']', ':', '*').chain((p) => fc.string().map((s) => p + s)),
      ),
      fc.constantFrom('bind' as const, 'connect' as const),
      (text, mode) => {
        const result = parseEndpoint(text, { mode });
        if (!result.ok && !result.error) throw new Error('error without words');
      },
    ),
  },
  {
    name: 'JSON Lines importer',
    property: fc.asyncProperty(
      fc.array(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc
            .record({
              session: fc.string(),
              direction: fc.constantFrom('in', 'out', 'x'),
              frames: fc.array(fc.oneof(fc.base64String(), fc.string())),
              timeNs: fc.oneof(fc.string(), fc.nat().map(String)),
            })
            .map((o) => JSON.stringify(o)),
        ),
        { maxLength: 20 },
      ),
      async (lines) => {
        const store = new CaptureStore({ maxMessages: 1000, maxBytes: 1 << 20 });
        const result = await importText(lines.join('\n'), store);
        if (result.imported + result.errors.length > lines.length) throw new Error('more results than lines');
      },
    ),
  },
  {
    name: 'settings reader (zeromq.endpoints)',
    property: fc.property(fc.anything(), (raw) => {
      const { endpoints } = readEndpointDefinitions(Array.isArray(raw) ? raw : [raw]);
      for (const e of endpoints) if (!e.name || !e.address) throw new Error('accepted an incomplete endpoint');
    }),
  },
  {
    name: 'ZMTP greeting parser (chunked)',
    property: fc.property(fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 12 }), (chunks) => {
      const parser = new ZmtpGreetingParser();
      for (const chunk of chunks) parser.push(chunk);
    }),
  },
  {
    name: "tap relay's ZMTP stream scanner (a NULL greeting, then hostile frames, chunked)",
    property: fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 12 }), fc.boolean(), (chunks, report) => {
      const scanner = new ZmtpStreamScanner();
      scanner.reportMessages = report;
      const greeting = new Uint8Array(64);
      greeting.set([0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 3, 1, 0x4e, 0x55, 0x4c, 0x4c]);
      scanner.push(greeting);
      for (const chunk of chunks)
        for (const event of scanner.push(chunk)) {
          const kept = event.type === 'command' ? event.body : event.type === 'message' ? event.first : undefined;
          if (kept && kept.length > MAX_KEPT_BODY) throw new Error('kept more than the budget');
        }
    }),
  },
  {
    name: 'engine protocol (malformed and out-of-order requests from the host)',
    property: engineProtocolProperty,
  },
  {
    name: 'packet capture importer (real captures, mutated and cut)',
    property: fc.property(
      fc.nat(captures.length - 1),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }),
      fc.nat(),
      fc.integer({ min: 1, max: 4096 }),
      (which, edits, cut, chunk) => {
        const bytes = Buffer.from(captures[which]);
        for (const [at, value] of edits) bytes[at % bytes.length] = value;
        const file = bytes.subarray(0, bytes.length - (cut % 64));
        const importer = new PcapImporter(new CaptureStore({ maxMessages: 10_000, maxBytes: 1 << 24 }), { maxFrameBytes: 4096 });
        for (let at = 0; at < file.length; at += chunk) importer.push(file.subarray(at, at + chunk));
        const result = importer.end();
        if (result.imported > file.length) throw new Error('more messages than bytes');
      },
    ),
  },
  {
    name: 'ZMTP stream parser (random bytes and gaps, from the start or mid-stream)',
    property: fc.property(
      fc.boolean(),
      fc.array(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.nat(5000)), { maxLength: 20 }),
      (fromStart, pieces) => {
        let messages = 0;
        let bytes = 0;
        const parser = new ZmtpStreamParser(fromStart, { maxFrameBytes: 1024, maxMessageBytes: 4096, maxFramesPerMessage: 100 }, (m) => {
          messages++;
          if (m.frames.some((f, i) => f.length > 1024 || f.length > m.sizes[i])) throw new Error('frame past its limit or size');
        });
        for (const piece of pieces) {
          if (typeof piece === 'number') parser.gap(piece, 0n);
          else {
            bytes += piece.length;
            parser.data(piece, 0n);
          }
        }
        parser.end(0n);
        if (messages > bytes) throw new Error('more messages than bytes');
      },
    ),
  },
  {
    name: 'scenario (.zmq) parser and checks',
    property: fc.property(
      fc.array(
        fc.oneof(
          fc.string(),
          fc.constantFrom('endpoint a SUB connect tcp://x:1', 'scenario s', '  expect a', '    $.a == 1', '  repeat 2'),
        ),
        {
          maxLength: 40,
        },
      ),
      (lines) => {
        const file = parseScenarioFile(lines.join('\n'));
        checkScenarioFile(file);
        if (file.problems.some((p) => p.message.startsWith('internal parser error'))) throw new Error(file.problems[0].message);
      },
    ),
  },
  {
    name: 'workspace scanner (source files of every language)',
    property: fc.property(
      fc.constantFrom('a.py', 'a.c', 'a.cpp', 'a.js', 'a.ts', 'a.go', 'A.java', 'A.cs', 'a.rs'),
      fc.array(
        fc.oneof(
          fc.string(),
          fc.constantFrom(
            'zmq',
            'import zmq\n',
            's = ctx.socket(zmq.PUB)',
            's.bind(',
            '"tcp://*:%99999d"',
            '(',
            ')',
            '[',
            ']',
            '{',
            '}',
            '/',
            'R"',
            'f"{',
            '`${',
            '$"{',
            'r#"',
            '"',
            "'",
            '#define X ',
            ' + ',
            '\n',
            'zsock_new_pub("@tcp://*:1")',
            'new zmq.Publisher',
          ),
        ),
        { maxLength: 60 },
      ),
      (file, parts) => {
        const result = scanSource(file, parts.join(''));
        if (result.skipped && !result.skipped.startsWith('skipped: too complex')) throw new Error(result.skipped);
        for (const use of result.uses) if (use.endpoint.resolved && use.endpoint.address.length > 1024) throw new Error('value over 1 KiB');
      },
    ),
  },
];

export async function runFuzz(
  numRuns: number,
  seed: number,
  log: (line: string) => void,
): Promise<{ name: string; runs: number; ms: number; failure?: string }[]> {
  const report = [];
  for (const target of FUZZ_TARGETS) {
    const started = performance.now();
    const details = await fc.check(target.property as fc.IRawProperty<unknown[], boolean>, {
      numRuns,
      seed,
      interruptAfterTimeLimit: 120_000,
    });
    const ms = performance.now() - started;
    const failure = details.failed ? `${details.errorInstance ?? ''} counterexample: ${fc.stringify(details.counterexample)}` : undefined;
    report.push({ name: target.name, runs: details.numRuns, ms, failure });
    log(`${target.name}: ${details.numRuns} inputs in ${ms.toFixed(0)} ms${failure ? `, FAILED: ${failure}` : ', no crash or hang'}`);
  }
  return report;
}
