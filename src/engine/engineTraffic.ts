// The Generate Traffic command inside the engine, where the session's socket is: the core generator (the
// one behind a scenario's `generate` step) sends templated frames at the asked rate, reports progress a few
// times a second, and stops when the request is cancelled. What it sent lands in the capture like any send.
import { generateTraffic } from '../core/scenario/trafficGenerator';
import { templatedFrames } from '../core/scenario/generatorInput';
import type { EngineParams, EngineResult } from '../shared/engineProtocol';
import type { LongRequest } from './engineCapture';
import type { EngineCore } from './engineCore';

const count = (n: number) => Math.round(n).toLocaleString('en-US');

export async function generateInEngine(
  core: EngineCore,
  params: EngineParams<'traffic.generate'>,
  request: LongRequest,
): Promise<EngineResult<'traffic.generate'>> {
  const session = core.session(params.sessionId);
  if (!session.canSend) throw new Error(`${session.name} (${session.type}) cannot send.`);
  if (!params.frames.length) throw new Error('A generated message needs at least one frame.');
  const { plan } = params;
  // A throwaway expander tries one message first: a template that cannot be expanded fails with nothing sent
  // (and the real run's {{$seq}} still starts at 1).
  templatedFrames(params.frames, params.layers)();
  const next = templatedFrames(params.frames, params.layers);
  return generateTraffic(session, plan, next, request.signal, (sent, elapsedMs) => {
    const rate = `${count(sent / Math.max(elapsedMs / 1000, 0.001))}/s`;
    if (plan.count !== undefined) request.progress(sent, plan.count, `${count(sent)} of ${count(plan.count)} sent, ${rate}`);
    else if (plan.durationMs !== undefined)
      request.progress(
        elapsedMs,
        plan.durationMs,
        `${count(sent)} sent, ${rate}, ${Math.ceil((plan.durationMs - elapsedMs) / 1000)} s left`,
      );
    else request.progress(0, 0, `${count(sent)} sent, ${rate}`);
  });
}
