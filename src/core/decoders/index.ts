// The decoder registry: the built-in decoders plus any that other code (or other extensions, through the
// API activate() returns) registers; picks a decoder per frame (pinned > rule > auto-detection).
import type { DecodeContext, DecodeResult, Decoder } from '../types';
import { cborDecoder, msgpackDecoder } from './binaryDecoders';
import { ProtoSchemaSet, createProtobufDecoder } from './protobufDecoder';
import { base64Decoder, hexDecoder, jsonDecoder, textDecoder } from './textDecoders';

export { DECODE_LIMITS } from './decodedTree';
export { ProtoSchemaSet, decodeRawProtobuf } from './protobufDecoder';
export { hexRows, type HexRow } from './textDecoders';

/** Pins a decoder by session, topic prefix and frame index; unset fields match anything. */
export interface DecoderRule {
  decoder: string;
  sessionId?: string;
  topicPrefix?: string;
  frameIndex?: number;
  /** For protobuf: the fully-qualified message type. */
  messageType?: string;
}

export interface DecodeOptions {
  /** Use this decoder, whatever the rules say (the user picked it). */
  decoderId?: string;
  rules?: readonly unknown[];
  messageType?: string;
}

function isRule(value: unknown): value is DecoderRule {
  return typeof value === 'object' && value !== null && typeof (value as DecoderRule).decoder === 'string';
}

function specificity(rule: DecoderRule): number {
  return (rule.sessionId !== undefined ? 4 : 0) + (rule.topicPrefix !== undefined ? 2 + rule.topicPrefix.length / 1e6 : 0) + (rule.frameIndex !== undefined ? 1 : 0);
}

/** The most specific rule matching the frame, if any. */
export function matchRule(rules: readonly unknown[], context: DecodeContext): DecoderRule | undefined {
  let best: DecoderRule | undefined;
  for (const rule of rules) {
    if (!isRule(rule)) continue;
    if (rule.sessionId !== undefined && rule.sessionId !== context.sessionId) continue;
    if (rule.frameIndex !== undefined && rule.frameIndex !== context.frameIndex) continue;
    if (rule.topicPrefix !== undefined && !(context.topic ?? '').startsWith(rule.topicPrefix)) continue;
    if (!best || specificity(rule) > specificity(best)) best = rule;
  }
  return best;
}

export class DecoderRegistry {
  private readonly decoders = new Map<string, Decoder>();
  readonly protobuf: ProtoSchemaSet;

  constructor(protobufSchemas = new ProtoSchemaSet()) {
    this.protobuf = protobufSchemas;
  }

  /** Adds a decoder (a later one with the same id replaces it until disposed). */
  register(decoder: Decoder): { dispose(): void } {
    const previous = this.decoders.get(decoder.id);
    this.decoders.set(decoder.id, decoder);
    return {
      dispose: () => {
        if (this.decoders.get(decoder.id) !== decoder) return;
        if (previous) this.decoders.set(decoder.id, previous);
        else this.decoders.delete(decoder.id);
      },
    };
  }

  list(): Decoder[] {
    return [...this.decoders.values()];
  }

  get(id: string): Decoder | undefined {
    return this.decoders.get(id);
  }

  /** The decoder auto-detection picks for a frame: the highest confidence, hex for binary. */
  detect(frame: Uint8Array, context: DecodeContext): Decoder {
    let best: Decoder | undefined;
    let bestScore = 0;
    for (const decoder of this.decoders.values()) {
      let score = 0;
      try {
        score = decoder.canDecode(frame, context);
      } catch {
        // A third-party decoder that throws simply does not get the frame.
      }
      if (score > bestScore) {
        best = decoder;
        bestScore = score;
      }
    }
    return best ?? this.decoders.get('hex') ?? this.decoders.get('text')!;
  }

  /** Decodes a frame: pinned decoder > most specific rule > detection. Never throws. */
  decodeFrame(frame: Uint8Array, context: DecodeContext, options: DecodeOptions = {}): DecodeResult {
    const rule = options.decoderId ? undefined : matchRule(options.rules ?? [], context);
    const id = options.decoderId ?? rule?.decoder;
    const decoder = id ? this.decoders.get(id) : this.detect(frame, context);
    if (!decoder) return { ok: false, decoderId: id ?? '?', error: `No decoder "${id}" (known: ${[...this.decoders.keys()].join(', ')}).` };
    const messageType = options.messageType ?? rule?.messageType;
    try {
      return decoder.decode(frame, messageType ? { ...context, messageType } as DecodeContext : context);
    } catch (error) {
      return { ok: false, decoderId: decoder.id, error: `The ${decoder.label} decoder failed: ${(error as Error).message}` };
    }
  }
}

export function createDefaultRegistry(): DecoderRegistry {
  const registry = new DecoderRegistry();
  for (const decoder of [textDecoder, jsonDecoder, hexDecoder, base64Decoder, msgpackDecoder, cborDecoder, createProtobufDecoder(registry.protobuf)]) registry.register(decoder);
  return registry;
}
