// "Why am I not receiving?" and sequence tracking, run in the engine next to the sessions, taps and capture
// they look at. Results are data (a Diagnosis, proposals); the host renders and shows them.
import { diagnoseAddress, diagnoseSession, diagnoseTap, recentRecords } from '../core/diagnosis/diagnoseSession';
import { parseSequenceField, type PublisherKey } from '../core/diagnosis/sequenceField';
import type { SessionSecurity } from '../core/security/security';
import type { EngineParams, EngineResult } from '../shared/engineProtocol';
import type { LongRequest } from './engineCapture';
import type { EngineCore } from './engineCore';

/** Messages of the session read back when tracking starts, so that what was captured counts too. */
const BACKFILL_MESSAGES = 100_000;

export function diagnoseSessionRequest(
  core: EngineCore,
  params: EngineParams<'diagnosis.session'>,
  request: LongRequest,
): Promise<EngineResult<'diagnosis.session'>> {
  return diagnoseSession(core.session(params.id), {
    store: core.store,
    sink: core.sink,
    security: (params.security as SessionSecurity | undefined) ?? core.securityOf.get(params.id),
    replyTimeoutMs: params.replyTimeoutMs,
    signal: request.signal,
  });
}

export function diagnoseTapRequest(core: EngineCore, params: EngineParams<'diagnosis.tap'>): EngineResult<'diagnosis.tap'> {
  const tap = core.taps.get(params.id);
  if (!tap) throw new Error(`No tap "${params.id}" runs (it was stopped, or the engine restarted).`);
  return diagnoseTap(tap, { store: core.store, sink: core.sink });
}

export function diagnoseAddressRequest(
  params: EngineParams<'diagnosis.address'>,
  request: LongRequest,
): Promise<EngineResult<'diagnosis.address'>> {
  return diagnoseAddress(params.address, { socketType: params.socketType, signal: request.signal });
}

/** Starts tracking (from now on, and over what the capture holds of the session). Throws on a bad field. */
export function track(core: EngineCore, params: EngineParams<'diagnosis.track'>): null {
  const session = core.session(params.id);
  const field = parseSequenceField(params.field);
  const given = params.publisher;
  const publisher: PublisherKey | undefined = !given
    ? undefined
    : given.kind === 'frame0'
      ? { kind: 'frame0' }
      : { kind: 'field', field: parseSequenceField(String((given as { field?: unknown }).field ?? '')) };
  core.sink.track(session.id, field, {
    publisher,
    direction: session.canReceive ? 'in' : 'out',
    backfill: recentRecords(core.store, session.id, BACKFILL_MESSAGES),
  });
  return null;
}
