// "ZeroMQ: Generate Traffic…": pick a session that sends (or open a PUB or PUSH), a pace, when to stop, and
// templated frames; the engine sends them (the generator behind a scenario's `generate` step) under a
// cancellable progress notification, and a final notification says what was achieved.
import * as vscode from 'vscode';
import { parseFrameInput, parsePace, parseStop } from '../core/scenario/generatorInput';
import type { FrameSpec } from '../core/scenario/scenarioAst';
import type { GeneratorPlan, GeneratorReport } from '../core/scenario/trafficGenerator';
import type { SocketTypeName } from '../core/types';
import type { EngineClient } from '../engine/engineClient';
import type { EndpointController } from '../endpoints/endpointController';
import { addEndpointWizard } from '../endpoints/endpointCommands';
import type { SessionSnapshot } from '../shared/engineProtocol';

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

export const GENERATE_TRAFFIC = 'zeromq.generateTraffic';

type GeneratorFrame = { format: Exclude<FrameSpec['format'], 'file'>; value: string };

/** What the user typed last time, offered again (a load test is usually run more than once). */
interface GeneratorInputs {
  pace: string;
  stop: string;
  frames: string[];
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');

async function pickSender(controller: EndpointController): Promise<SessionSnapshot | undefined> {
  const items: Array<vscode.QuickPickItem & { session?: SessionSnapshot; type?: SocketTypeName }> = controller
    .running()
    .filter((e) => e.session!.canSend)
    .map((e) => ({
      label: e.definition.name,
      description: `${e.definition.type} ${e.definition.mode} ${e.definition.address}`,
      session: e.session,
    }));
  items.push(
    { label: '$(add) A new PUB socket…', description: 'subscribers connect to it, or it connects to theirs', type: 'PUB' },
    { label: '$(add) A new PUSH socket…', description: 'to PULL workers', type: 'PUSH' },
  );
  const picked = await vscode.window.showQuickPick(items, {
    ignoreFocusOut: true,
    title: 'Generate Traffic (1/4)',
    placeHolder: 'Send from which session?',
  });
  if (!picked) return undefined;
  return picked.session ?? (await addEndpointWizard(controller, { type: picked.type }))?.session;
}

async function askText(
  title: string,
  prompt: string,
  value: string,
  check: (text: string) => string | undefined,
): Promise<string | undefined> {
  return vscode.window.showInputBox({ ignoreFocusOut: true, title, prompt, value, validateInput: check });
}

const problemOf = (parsed: object) => ('error' in parsed ? (parsed.error as string) : undefined);

async function askFrames(previous: string[]): Promise<GeneratorFrame[] | undefined> {
  const frames: GeneratorFrame[] = [];
  for (;;) {
    const index = frames.length;
    const line = await askText(
      `Generate Traffic (4/4): frame ${index + 1}`,
      'A frame as in a .zmq file: text order {{$seq}}, json {"at": {{$timestamp}}}, hex 0a0b, base64 ... ' +
        '(variables: {{$seq}}, {{$timestamp}}, {{$isoTimestamp}}, {{$uuid}}, {{$random.int(1,100)}})',
      previous[index] ?? (index === 0 ? 'text message {{$seq}} at {{$timestamp}}' : ''),
      (text) => problemOf(parseFrameInput(text)),
    );
    if (line === undefined) return undefined;
    const parsed = parseFrameInput(line);
    if ('error' in parsed) return undefined;
    frames.push({ format: parsed.frame.format as GeneratorFrame['format'], value: parsed.frame.value });
    const more = await vscode.window.showQuickPick(
      [
        { label: `$(play) Start sending ${frames.length}-frame messages`, start: true },
        { label: '$(add) Add another frame', start: false },
      ],
      { ignoreFocusOut: true, placeHolder: frames.map((f) => `${f.format} ${f.value}`.slice(0, 80)).join(' | ') },
    );
    if (!more) return undefined;
    if (more.start) return frames;
  }
}

/** The notification at the end: what was achieved, not what was asked. */
export function describeGeneratorReport(name: string, report: GeneratorReport): string {
  const asked = report.targetRate ? ` of ${count(report.targetRate)}/s asked` : '';
  const failed = report.failed ? `; ${count(report.failed)} send(s) failed (${report.firstError})` : '';
  return `ZeroMQ: ${name} sent ${count(report.sent)} messages in ${seconds(report.elapsedMs)}: ${count(report.achievedRate)}/s${asked}${failed}. ${report.hwmNote}.`;
}

export async function generateTrafficCommand(engine: EngineClient, controller: EndpointController, last: GeneratorInputs): Promise<void> {
  const target = await pickSender(controller);
  if (!target) return;
  const paceText = await askText(
    'Generate Traffic (2/4): pace',
    'Messages per second (10000/s), bursts (100 every 1s), or max (as fast as the socket takes them)',
    last.pace,
    (text) => problemOf(parsePace(text)),
  );
  if (paceText === undefined) return;
  const stopText = await askText(
    'Generate Traffic (3/4): stop after',
    'A duration (5s, 2m), a number of messages (10000), or empty to run until you cancel',
    last.stop,
    (text) => problemOf(parseStop(text)),
  );
  if (stopText === undefined) return;
  const pace = parsePace(paceText);
  const stop = parseStop(stopText);
  if ('error' in pace || 'error' in stop) return;
  const frames = await askFrames(last.frames);
  if (!frames) return;
  Object.assign(last, { pace: paceText, stop: stopText, frames: frames.map((f) => `${f.format} ${f.value}`) });
  const plan: GeneratorPlan = { ...pace, ...stop };
  let lastProgress = '';
  const report = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `ZeroMQ: generating from ${target.name}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      let reported = 0;
      const outcome = await engine.request(
        'traffic.generate',
        { sessionId: target.id, plan, frames },
        {
          signal: abort.signal,
          // The run lasts as long as asked; the timeout only catches an engine that stopped answering.
          timeoutMs: 7 * 24 * 3600 * 1000,
          onProgress: ({ done, total, message }) => {
            lastProgress = message;
            const percent = total > 0 ? Math.floor((done / total) * 100) : 0;
            progress.report({ message, increment: Math.max(0, percent - reported) });
            reported = Math.max(reported, percent);
          },
        },
      );
      if (!outcome.ok && outcome.error.code !== 'ECANCELED') throw new Error(outcome.error.message);
      return outcome.ok ? outcome.value : undefined;
    },
  );
  void vscode.window.showInformationMessage(
    report
      ? describeGeneratorReport(target.name, report)
      : `ZeroMQ: generating from ${target.name} stopped${lastProgress ? ` (${lastProgress})` : ''}.`,
  );
}
