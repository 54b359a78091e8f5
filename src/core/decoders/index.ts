// The pluggable decoders of the core: the registry, the built-in decoders and what other code needs to
// add its own (types, limits, tree helpers).
import { base64Decoder } from './base64Decoder';
import { cborDecoder } from './cborDecoder';
import { DecoderRegistry } from './decoderRegistry';
import { hexDecoder } from './hexDecoder';
import { jsonDecoder } from './jsonDecoder';
import { msgpackDecoder } from './msgpackDecoder';
import { createProtobufDecoder } from './protobufDecoder';
import { textDecoder } from './textDecoder';

export type { DecodeContext, DecodeResult, DecodedNode, Decoder } from '../types';
export { DecoderRegistry, isNameFrame, type DecodeOptions, type DecoderCandidate } from './decoderRegistry';
export { matchRule, isDecoderRule, ruleMatches, ruleSpecificity, type DecoderRule } from './decoderRules';
export { DECODE_LIMITS, valueToTree, valueResult, summarizeValue, inputWindow, type InputWindow, type TreeBuild } from './decodedTree';
export { textDecoder, asText } from './textDecoder';
export { jsonDecoder, parseJson } from './jsonDecoder';
export { hexDecoder, hexRows, formatHexDump, type HexRow } from './hexDecoder';
export { base64Decoder, decodeBase64Text } from './base64Decoder';
export { msgpackDecoder } from './msgpackDecoder';
export { cborDecoder } from './cborDecoder';
export { ProtoSchemaSet, type SchemaLoad } from './protoSchemaSet';
export { createProtobufDecoder, decodeProtobufAs, decodeSchemaless, type ProtobufDecodeContext } from './protobufDecoder';
export { decodeRawProtobuf, type RawProtobuf } from './protobufWire';

/** A registry with every built-in decoder: text, json, hex, base64, msgpack, cbor, protobuf. */
export function createDefaultRegistry(): DecoderRegistry {
  const registry = new DecoderRegistry();
  for (const decoder of [
    textDecoder,
    jsonDecoder,
    hexDecoder,
    base64Decoder,
    msgpackDecoder,
    cborDecoder,
    createProtobufDecoder(registry.protobuf),
  ])
    registry.register(decoder);
  return registry;
}
