// The engine's handlers that work on its core once hello made it: decoders, sessions, the capture, taps,
// probes, diagnosis and scenarios. engine.ts adds hello, configuration, panels, cancel and shutdown, and
// runs them all (checked params, one reply each).
import { openSecureSession } from '../core/security/secureSession';
import type { SessionSecurity } from '../core/security/security';
import { probeEndpoint } from '../core/zmtp/zmtpProbe';
import {
  MAX_RECORDS_PER_REQUEST,
  type DecodedMessage,
  type EngineEvents,
  type EngineMethod,
  type EngineParams,
  type EngineResult,
} from '../shared/engineProtocol';
import { exportCapture, importCapture, importPcap, type LongRequest } from './engineCapture';
import { generateInEngine } from './engineTraffic';
import type { EngineCore } from './engineCore';
import { runScenarioInEngine, steerScenarioDebug } from './engineScenarios';
import { diagnoseAddressRequest, diagnoseSessionRequest, diagnoseTapRequest, track } from './engineDiagnosis';
import { awaitCount, untilAborted } from './engineWaits';

export type Handler<M extends EngineMethod> = (
  params: EngineParams<M>,
  request: LongRequest & { id: number },
) => Promise<EngineResult<M>> | EngineResult<M>;

export type Handlers = { [M in EngineMethod]: Handler<M> };

export interface HandlerHost {
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
  /** Something a running request reports on its way (a scenario's steps). */
  emitRequestEvent(requestId: number, body: EngineEvents['request.event']['body']): void;
  callHost: Parameters<typeof runScenarioInEngine>[3];
}

/** A message with each frame decoded by the session's rules (for Send and Receive One). */
function decoded(core: EngineCore, sessionId: string, frames: Uint8Array[]): DecodedMessage {
  const session = core.sessions.get(sessionId);
  const rules = core.rules();
  return {
    frames,
    decoded: frames.map((bytes, frameIndex) =>
      core.decoders.decodeFrame(bytes, { sessionId, socketType: session?.type, frameIndex, frameCount: frames.length }, { rules }),
    ),
  };
}

export function coreHandlers(core: () => EngineCore, host: HandlerHost) {
  return {
    'decoders.loadProtos': (params) => {
      // No file: an emptied setting unloads what an earlier one loaded.
      if (!params.files.length) {
        core().decoders.protobuf.clear();
        return { ok: true, messageTypes: [], files: [] };
      }
      return core().decoders.protobuf.loadSchemas(params.files, params.roots);
    },
    'decoders.register': ({ modulePath }) => ({ ids: core().registerDecoderModule(modulePath) }),
    'decoders.unregister': ({ modulePath }) => {
      core().unregisterDecoderModule(modulePath);
      return null;
    },
    'session.open': async ({ spec, security }) => {
      const options = {
        id: spec.id,
        name: spec.name,
        type: spec.type,
        mode: spec.mode,
        addresses: spec.addresses,
        subscriptions: spec.subscriptions,
      };
      let warnings: string[] = [];
      if (security && (security as { mechanism?: unknown }).mechanism !== 'null') {
        const secure = await openSecureSession(core().sessions, options, security as SessionSecurity, {
          onAttempt: (attempt) =>
            host.log(
              'info',
              `[${spec.name}] ZAP ${attempt.verdict} ${attempt.mechanism} from ${attempt.address || '?'}${attempt.username ? ` user ${attempt.username}` : ''}${attempt.clientKey ? ` key ${attempt.clientKey}` : ''} (status ${attempt.statusCode}${attempt.reason ? `: ${attempt.reason}` : ''})`,
            ),
        });
        warnings = secure.warnings;
        core().securityOf.set(spec.id, secure.security);
      } else {
        await core().sessions.open(options);
      }
      core().pushSnapshot(true);
      return {
        session: core()
          .snapshot()
          .sessions.find((s) => s.id === spec.id)!,
        warnings,
      };
    },
    'session.close': async ({ id }) => {
      const closing = core().sessions.close(id);
      core().pushSnapshot(true);
      return { closed: await closing };
    },
    'session.subscribe': ({ id, prefix, subscribe }) => {
      const session = core().session(id);
      if (subscribe) session.subscribe(prefix);
      else session.unsubscribe(prefix);
      core().pushSnapshot(true);
      return core()
        .snapshot()
        .sessions.find((s) => s.id === id)!;
    },
    'session.send': async (params, request) => {
      const session = core().session(params.id);
      const timeoutMs = params.replyTimeoutMs ?? core().receiveTimeoutMs;
      // The send itself gives up after the timeout (no peer takes it) or on cancel: nothing goes out after.
      const reply = await untilAborted(
        session.send(params.frames, {
          routingId: params.routingId,
          replyTimeoutMs: timeoutMs,
          sendTimeoutMs: timeoutMs,
          signal: request.signal,
        }),
        request.signal,
      );
      if (reply) return { reply: decoded(core(), params.id, reply) };
      if (!params.awaitReply) return {};
      // A DEALER's reply arrives on its receive loop: the next message it receives.
      const next = await session.nextMessage(timeoutMs, request.signal);
      return { reply: decoded(core(), params.id, next.frames) };
    },
    'session.receive': async ({ id, timeoutMs }, request) => {
      const message = await core().session(id).nextMessage(timeoutMs, request.signal);
      return { seq: message.seq, message: decoded(core(), id, message.frames) };
    },
    'session.awaitCount': ({ id, count, idleMs }, request) =>
      awaitCount(core().session(id).monitor.counters, count, idleMs, request.signal),
    'capture.clear': ({ sessionId }) => {
      core().clearCapture(sessionId);
      return null;
    },
    'capture.records': ({ fromSeq, count }) => {
      const store = core().store;
      return {
        records: store.range(fromSeq, Math.min(count, MAX_RECORDS_PER_REQUEST)),
        firstSeq: store.firstSeq,
        lastSeq: store.lastSeq,
      };
    },
    'capture.export': (params, request) => exportCapture(core(), params, request),
    'capture.import': async (params, request) => {
      const result = await importCapture(core(), params, request);
      return { imported: result.imported, skipped: result.skipped, errors: result.errors.slice(0, 100), cancelled: result.cancelled };
    },
    'tap.start': async (params) => {
      const tap = await core().startTap(params);
      core().pushSnapshot(true);
      return core()
        .snapshot()
        .taps.find((t) => t.id === tap.id)!;
    },
    'tap.stop': async ({ id }) => {
      await core().stopTap(id);
      core().pushSnapshot(true);
      return null;
    },
    probe: ({ address, timeoutMs }, request) => probeEndpoint(address, { timeoutMs, signal: request.signal }),
    'capture.importPcap': (params, request) => importPcap(core(), params, request),
    'diagnosis.session': (params, request) => diagnoseSessionRequest(core(), params, request),
    'diagnosis.tap': (params) => diagnoseTapRequest(core(), params),
    'diagnosis.address': (params, request) => diagnoseAddressRequest(params, request),
    'diagnosis.track': (params) => {
      track(core(), params);
      core().pushSnapshot(true);
      return null;
    },
    'diagnosis.untrack': ({ id }) => {
      core().sink.untrack(id);
      core().pushSnapshot(true);
      return null;
    },
    'diagnosis.propose': ({ id }) => {
      const session = core().session(id);
      return core().sink.propose(id, session.canReceive ? 'in' : 'out');
    },
    'scenario.run': (params, request) =>
      runScenarioInEngine(core(), params, { ...request, event: (body) => host.emitRequestEvent(request.id, body) }, host.callHost),
    'scenario.debug': (params) => steerScenarioDebug(params),
    'traffic.generate': (params, request) => generateInEngine(core(), params, request),
  } satisfies Partial<Handlers>;
}
