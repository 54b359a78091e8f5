// The protobuf decoder: with a message type (from a rule or the caller) a frame decodes through the loaded
// .proto schemas; without one, the schemaless wire-format view. Detection only offers the schemaless view,
// with low confidence, for a frame that parses whole.
import * as protobuf from 'protobufjs';
import type { DecodeContext, DecodeResult, Decoder } from '../types';
import { DECODE_LIMITS, TRUNCATED, inputWindow, warningOf } from './decodedTree';
import type { ProtoSchemaSet } from './protoSchemaSet';
import { decodeRawProtobuf, describeFault, rawSummary, walkWire } from './protobufWire';
import { messageJson, messageSummary, messageToObject, messageTree } from './protobufMessageView';

/** A decode context that names the protobuf message type to decode as. */
export interface ProtobufDecodeContext extends DecodeContext {
  messageType?: string;
}

/** Frames detection tries to parse as protobuf; bigger ones are left to the hex fallback. */
const MAX_DETECT_BYTES = 64 * 1024;

/** Levels the pre-check follows (protobufjs stops at 100 too). */
const MAX_CHECK_DEPTH = 100;

/**
 * Checks the frame's structure before protobufjs sees it, following the schema into nested messages:
 * protobufjs reads lengths as 32 bits, so a 2^63 length would pass as 0. Collects the field numbers of
 * the top level that the type does not declare.
 */
function checkWire(bytes: Uint8Array, type: protobuf.Type, depth: number, unknown?: Set<number>): string | undefined {
  let nestedError: string | undefined;
  const fault = walkWire(bytes, (f, value) => {
    const field = type.fieldsById[f.field];
    if (!field) {
      unknown?.add(f.field);
      return;
    }
    if (f.wireType !== 2 || !(value instanceof Uint8Array) || field.map || depth >= MAX_CHECK_DEPTH) return;
    const nested = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
    const inner = nested && checkWire(value, nested, depth + 1);
    if (!inner) return;
    nestedError = `in ${field.name} (byte ${f.offset}): ${inner}`;
    return false;
  });
  return fault ? describeFault(fault) : nestedError;
}

export function decodeProtobufAs(schemas: ProtoSchemaSet, frame: Uint8Array, messageType: string, context?: DecodeContext): DecodeResult {
  const fail = (error: string): DecodeResult => ({ ok: false, decoderId: 'protobuf', error });
  if (!schemas.messageTypes.length)
    return fail(`No .proto schema is loaded, so ${messageType} is unknown: list your .proto files in zeromq.protobuf.protoPaths.`);
  const type = schemas.lookupType(messageType);
  if (!type) {
    const known = schemas.messageTypes;
    return fail(
      `No message type ${messageType} in the loaded schemas (known: ` +
        `${known.slice(0, 10).join(', ')}${known.length > 10 ? `, and ${known.length - 10} more` : ''}).`,
    );
  }
  if (frame.length > DECODE_LIMITS.maxInputBytes)
    return fail(
      `The frame is ${frame.length} bytes; protobuf is decoded up to ${DECODE_LIMITS.maxInputBytes} bytes. The hex view shows its start.`,
    );
  const window = inputWindow(frame, context);
  const cutNote = window.cut ? ` ${window.notes.join(' ')}` : '';
  const unknown = new Set<number>();
  const invalid = checkWire(frame, type, 0, unknown);
  if (invalid) return fail(`Not a valid ${type.fullName.slice(1)}: ${invalid}.${cutNote}`);
  let message;
  let object;
  try {
    message = type.decode(frame);
    object = messageToObject(type, message);
  } catch (error) {
    // protobufjs stops at its recursion limit and at out-of-range reads: both are errors here.
    return fail(`Not a valid ${type.fullName.slice(1)}: ${error instanceof Error ? error.message : String(error)}.${cutNote}`);
  }
  const unknownNote = unknown.size
    ? `Field number(s) ${[...unknown].sort((a, b) => a - b).join(', ')} are not in ${type.name}: is this the right message type?`
    : undefined;
  const summary = messageSummary(type, object);
  if (context?.purpose === 'summary')
    return { ok: true, decoderId: 'protobuf', summary, warning: warningOf([...window.notes, unknownNote]) };
  let text;
  try {
    text = messageJson(type, message);
  } catch (error) {
    return fail(`Not a valid ${type.fullName.slice(1)}: ${error instanceof Error ? error.message : String(error)}.${cutNote}`);
  }
  const { tree, truncated } = messageTree(type, object);
  return {
    ok: true,
    decoderId: 'protobuf',
    summary,
    text: text.text,
    tree,
    warning: warningOf([
      ...window.notes,
      unknownNote,
      truncated
        ? `Large or deep message: ${TRUNCATED}; the tree stops at ${DECODE_LIMITS.maxDepth} levels and ${DECODE_LIMITS.maxNodes} nodes.`
        : undefined,
      text.truncated ? `The text view is ${TRUNCATED} (${DECODE_LIMITS.maxTextChars} characters).` : undefined,
    ]),
  };
}

export function decodeSchemaless(frame: Uint8Array, context?: DecodeContext, schemaHint = false): DecodeResult {
  const window = inputWindow(frame, context);
  const raw = decodeRawProtobuf(window.bytes, { partial: window.cut });
  if (!raw.ok) return { ok: false, decoderId: 'protobuf', error: raw.error };
  return {
    ok: true,
    decoderId: 'protobuf',
    summary: rawSummary(raw.tree),
    tree: raw.tree,
    warning: warningOf([
      'No schema: the raw wire format (field numbers and wire types, like protoc ' +
        `--decode_raw).${schemaHint ? ' Pick a message type to decode it with the loaded .proto files.' : ''}`,
      ...window.notes,
      raw.warning,
    ]),
  };
}

export function createProtobufDecoder(schemas: ProtoSchemaSet): Decoder & { readonly schemas: ProtoSchemaSet } {
  return {
    id: 'protobuf',
    label: 'Protobuf',
    schemas,
    canDecode(frame) {
      if (frame.length < 2 || frame.length > MAX_DETECT_BYTES) return 0;
      return walkWire(frame, () => undefined) ? 0 : 0.3;
    },
    decode(frame, context: ProtobufDecodeContext) {
      const messageType = context?.messageType;
      if (messageType) return decodeProtobufAs(schemas, frame, messageType, context);
      return decodeSchemaless(frame, context, schemas.messageTypes.length > 0);
    },
  };
}
