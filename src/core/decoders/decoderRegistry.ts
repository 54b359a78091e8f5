// The decoder registry: the built-in decoders plus any that other code (or other extensions, through the
// API activate() returns) registers; picks a decoder per frame (pinned id > most specific rule > detection)
// and never throws, whatever a decoder does.
import type { DecodeContext, DecodeResult, Decoder } from '../types';
import { matchRule } from './decoderRules';
import type { ProtobufDecodeContext } from './protobufDecoder';
import { ProtoSchemaSet } from './protoSchemaSet';

export interface DecodeOptions {
  /** Use this decoder, whatever the rules say (the user picked it). */
  decoderId?: string;
  /** DecoderRule objects; malformed entries (from settings) are skipped. */
  rules?: readonly unknown[];
  /** For protobuf: the message type, over the matching rule's. */
  messageType?: string;
}

export interface DecoderCandidate {
  decoder: Decoder;
  confidence: number;
}

/** Decoders detection considers for a routing id or a topic: they are names, not payloads. */
const NAME_DECODERS = new Set(['text', 'hex']);

/** True when the frame is a routing id or a topic, by its place in the message. */
export function isNameFrame(context: DecodeContext): boolean {
  if (context.frameIndex !== 0) return false;
  if (context.topic !== undefined) return true;
  return (context.socketType === 'ROUTER' || context.socketType === 'STREAM') && context.frameCount > 1;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class DecoderRegistry {
  /** Per id, every registration still in force; the last one is the one used. */
  private readonly registrations = new Map<string, Decoder[]>();
  readonly protobuf: ProtoSchemaSet;

  constructor(protobufSchemas = new ProtoSchemaSet()) {
    this.protobuf = protobufSchemas;
  }

  /** Adds a decoder; one with the id of an existing decoder hides it until disposed. */
  register(decoder: Decoder): { dispose(): void } {
    if (
      !decoder ||
      typeof decoder.id !== 'string' ||
      !decoder.id ||
      typeof decoder.canDecode !== 'function' ||
      typeof decoder.decode !== 'function'
    ) {
      throw new TypeError('A decoder needs a non-empty string id and canDecode and decode functions.');
    }
    const stack = this.registrations.get(decoder.id) ?? [];
    stack.push(decoder);
    this.registrations.set(decoder.id, stack);
    let disposed = false;
    return {
      dispose: () => {
        if (disposed) return;
        disposed = true;
        const current = this.registrations.get(decoder.id);
        const at = current?.lastIndexOf(decoder) ?? -1;
        if (!current || at < 0) return;
        current.splice(at, 1);
        if (!current.length) this.registrations.delete(decoder.id);
      },
    };
  }

  /** The decoders in force, one per id, in the order their ids were first registered. */
  list(): Decoder[] {
    return [...this.registrations.values()].map((stack) => stack[stack.length - 1]);
  }

  get(id: string): Decoder | undefined {
    const stack = this.registrations.get(id);
    return stack?.[stack.length - 1];
  }

  /** Every decoder that would take the frame, most confident first (ties: registration order). */
  candidates(frame: Uint8Array, context: DecodeContext): DecoderCandidate[] {
    const nameFrame = isNameFrame(context);
    const found: DecoderCandidate[] = [];
    for (const decoder of this.list()) {
      if (nameFrame && !NAME_DECODERS.has(decoder.id)) continue;
      let confidence = 0;
      try {
        confidence = Number(decoder.canDecode(frame, context));
      } catch {
        // A decoder that throws in canDecode simply does not get the frame.
      }
      if (confidence > 0) found.push({ decoder, confidence: Math.min(confidence, 1) });
    }
    return found.sort((a, b) => b.confidence - a.confidence);
  }

  /** The decoder auto-detection picks: the most confident, the hex dump when none is. */
  detect(frame: Uint8Array, context: DecodeContext): Decoder | undefined {
    return this.candidates(frame, context)[0]?.decoder ?? this.get('hex') ?? this.get('text');
  }

  /** Decodes a frame: pinned decoder > most specific rule > detection. Never throws. */
  decodeFrame(frame: Uint8Array, context: DecodeContext, options: DecodeOptions = {}): DecodeResult {
    try {
      return this.pick(frame, context, options);
    } catch (error) {
      return { ok: false, decoderId: options.decoderId ?? '?', error: `Decoding failed: ${messageOf(error)}` };
    }
  }

  private pick(frame: Uint8Array, context: DecodeContext, options: DecodeOptions): DecodeResult {
    const known = () =>
      this.list()
        .map((d) => d.id)
        .join(', ');
    if (options.decoderId !== undefined) {
      const pinned = this.get(options.decoderId);
      if (!pinned) return { ok: false, decoderId: options.decoderId, error: `No decoder "${options.decoderId}" (known: ${known()}).` };
      return this.run(pinned, frame, context, options.messageType);
    }
    const rule = options.rules?.length ? matchRule(options.rules, context) : undefined;
    let ruleWarning: string | undefined;
    if (rule) {
      const ruled = this.get(rule.decoder);
      if (ruled) return this.run(ruled, frame, context, options.messageType ?? rule.messageType);
      // The frame is still shown (detected), and the warning says why the rule did not apply.
      ruleWarning = `A decoder rule names "${rule.decoder}", which is not registered (known: ${known()}).`;
    }
    return this.detectAndRun(frame, context, options.messageType, ruleWarning);
  }

  /** Tries the candidates in order of confidence, so a wrong guess falls back to the next one. */
  private detectAndRun(
    frame: Uint8Array,
    context: DecodeContext,
    messageType: string | undefined,
    ruleWarning: string | undefined,
  ): DecodeResult {
    const tried = this.candidates(frame, context).map((c) => c.decoder);
    const fallback = this.get('hex') ?? this.get('text');
    if (fallback && !tried.includes(fallback)) tried.push(fallback);
    let last: DecodeResult = {
      ok: false,
      decoderId: '?',
      error: `No decoder takes this frame (known: ${
        this.list()
          .map((d) => d.id)
          .join(', ') || 'none'
      }).`,
    };
    for (const decoder of tried) {
      last = this.run(decoder, frame, context, messageType);
      if (last.ok) return ruleWarning ? { ...last, warning: last.warning ? `${ruleWarning} ${last.warning}` : ruleWarning } : last;
    }
    return ruleWarning && !last.ok ? { ...last, error: `${ruleWarning} ${last.error}` } : last;
  }

  /** Calls a decoder, turning a throw or a malformed result into an error value stamped with its id. */
  private run(decoder: Decoder, frame: Uint8Array, context: DecodeContext, messageType: string | undefined): DecodeResult {
    const ctx: ProtobufDecodeContext = messageType ? { ...context, messageType } : context;
    let result: DecodeResult;
    try {
      result = decoder.decode(frame, ctx);
    } catch (error) {
      return { ok: false, decoderId: decoder.id, error: `The ${decoder.label} decoder failed: ${messageOf(error)}` };
    }
    if (typeof result !== 'object' || result === null || typeof result.ok !== 'boolean') {
      return { ok: false, decoderId: decoder.id, error: `The ${decoder.label} decoder returned no result.` };
    }
    if (!result.ok)
      return result.decoderId === decoder.id && typeof result.error === 'string'
        ? result
        : { ...result, decoderId: decoder.id, error: String(result.error) };
    if (result.decoderId === decoder.id && typeof result.summary === 'string') return result;
    return { ...result, decoderId: decoder.id, summary: String(result.summary) };
  }
}
