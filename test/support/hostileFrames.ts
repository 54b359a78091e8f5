// Small frames that describe huge or self-referencing values through MessagePack and CBOR shared
// references, as a foreign publisher can send them: the tests, the fuzz targets and the decoding bench
// share them. Each is a few hundred bytes.
import { Packr } from 'msgpackr';

/** CBOR head of major type `major` with argument `n` (n < 65536). */
function cborHead(major: number, n: number): number[] {
  if (n < 24) return [(major << 5) | n];
  if (n < 256) return [(major << 5) | 24, n];
  return [(major << 5) | 25, n >> 8, n & 0xff];
}

/**
 * CBOR `[28(["leaf"]), 28([29(0), 29(0)]), 28([29(1), 29(1)]), …]`: its last element, fully expanded, has
 * 2^levels leaves. 24 levels are 226 bytes.
 */
export function cborSharedDoubling(levels: number): Buffer {
  const bytes = [...cborHead(4, levels + 1), 0xd8, 28, ...cborHead(4, 1), ...cborHead(3, 4), ...Buffer.from('leaf')];
  for (let k = 1; k <= levels; k++)
    bytes.push(0xd8, 28, ...cborHead(4, 2), 0xd8, 29, ...cborHead(0, k - 1), 0xd8, 29, ...cborHead(0, k - 1));
  return Buffer.from(bytes);
}

/** The same graph through msgpackr's structured-clone extensions (0x69 defines, 0x70 refers). 24 levels: 318 bytes. */
export function msgpackSharedDoubling(levels: number): Buffer {
  let value: unknown[] = ['leaf'];
  for (let k = 0; k < levels; k++) value = [value, value];
  return new Packr({ structuredClone: true }).pack(value);
}

/** A MessagePack array that contains itself. */
export function msgpackSelfContaining(): Buffer {
  const value: unknown[] = [1];
  value.push(value);
  return new Packr({ structuredClone: true }).pack(value);
}

/**
 * CBOR `28(258([29(0), 28(258([29(1), … "x" * stringBytes]))]))`: sets that hold themselves, nested. cbor-x's
 * own tag 28 reads each level's content twice (once per level: levels × stringBytes of work).
 */
export function cborNestedSelfSets(levels: number, stringBytes: number): Buffer {
  const bytes: number[] = [];
  for (let k = 0; k < levels; k++) bytes.push(0xd8, 28, 0xd9, 0x01, 0x02, 0x82, 0xd8, 29, ...cborHead(0, k));
  bytes.push(0x7a, (stringBytes >>> 24) & 0xff, (stringBytes >>> 16) & 0xff, (stringBytes >>> 8) & 0xff, stringBytes & 0xff);
  return Buffer.concat([Buffer.from(bytes), Buffer.alloc(stringBytes, 0x78)]);
}

/** CBOR `[28("x" * stringBytes), 29(0), 29(0), …]`: one long string, referenced `references` times. */
export function cborSharedLongString(stringBytes: number, references: number): Buffer {
  const head = [...cborHead(4, references + 1), 0xd8, 28, 0x7a, (stringBytes >>> 24) & 0xff, (stringBytes >>> 16) & 0xff];
  head.push((stringBytes >>> 8) & 0xff, stringBytes & 0xff);
  const refs: number[] = [];
  for (let i = 0; i < references; i++) refs.push(0xd8, 29, 0x00);
  return Buffer.concat([Buffer.from(head), Buffer.alloc(stringBytes, 0x78), Buffer.from(refs)]);
}
