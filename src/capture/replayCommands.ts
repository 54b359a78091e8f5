// Replay: resend captured messages to a session or an address, one (frames editable first, from the
// inspector's "Replay…") or a range: sequence numbers, or the messages the inspector's filter shows (from the
// palette or the inspector's title bar), at the original timing scaled (×0.5, ×2, ×10) or as fast as possible;
// the engine paces and sends them, and the progress notification cancels it.
import * as vscode from 'vscode';
import { encodeFrame } from '../core/session/frameInput';
import { framesForReplay, parseSeqRange } from '../core/capture/replayFrames';
import type { CaptureRecord } from '../core/types';
import type { EngineClient } from '../engine/engineClient';
import { MAX_RECORDS_PER_REQUEST, type SessionSnapshot } from '../shared/engineProtocol';
import type { EndpointController } from '../endpoints/endpointController';
import { addEndpointWizard } from '../endpoints/endpointCommands';
import { withEngineProgress } from '../commands/engineProgress';
import { runCommand } from '../commands/runCommand';

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

async function pickTarget(controller: EndpointController): Promise<SessionSnapshot | undefined> {
  const senders = controller.running().filter((e) => e.session!.canSend);
  const items: Array<vscode.QuickPickItem & { session?: SessionSnapshot }> = senders.map((e) => ({
    label: e.definition.name,
    description: `${e.definition.type} ${e.definition.mode} ${e.definition.address}`,
    session: e.session,
  }));
  items.push({ label: '$(add) To an address… (a new session)' });
  const picked = await vscode.window.showQuickPick(items, { ignoreFocusOut: true, placeHolder: 'Replay from which session?' });
  if (!picked) return undefined;
  return picked.session ?? (await addEndpointWizard(controller, { mode: 'connect' }))?.session;
}

async function recordAt(engine: EngineClient, seq: number): Promise<CaptureRecord | undefined> {
  const { records } = await engine.call('capture.records', { fromSeq: seq, count: 1 });
  return records[0]?.seq === seq ? records[0] : undefined;
}

function frameAsInput(frame: Uint8Array): string {
  const text = Buffer.from(frame).toString('utf8');
  return /^[\x20-\x7e\t\n\r]*$/.test(text) ? text : `hex:${Buffer.from(frame).toString('hex')}`;
}

async function editFrames(frames: Uint8Array[]): Promise<Uint8Array[] | undefined> {
  const edited: Uint8Array[] = frames.map((f) => Uint8Array.from(f));
  for (;;) {
    const items: Array<vscode.QuickPickItem & { index?: number }> = [
      { label: `$(send) Send ${edited.length} frame${edited.length === 1 ? '' : 's'}` },
      ...edited.map((f, index) => ({
        label: `Edit frame ${index}`,
        description: `${f.length} B: ${frameAsInput(f.subarray(0, 60))}`,
        index,
      })),
    ];
    const picked = await vscode.window.showQuickPick(items, {
      ignoreFocusOut: true,
      placeHolder: 'Send as captured, or edit a frame first',
    });
    if (!picked) return undefined;
    if (picked.index === undefined) return edited;
    const value = await vscode.window.showInputBox({
      ignoreFocusOut: true,
      title: `Frame ${picked.index}`,
      prompt: 'Text, or hex:0a0b for bytes',
      value: frameAsInput(edited[picked.index]),
      validateInput: (v) => {
        const parsed = v.startsWith('hex:') ? encodeFrame('hex', v.slice(4)) : encodeFrame('text', v);
        return parsed.ok ? undefined : parsed.error;
      },
    });
    if (value === undefined) continue;
    const parsed = value.startsWith('hex:') ? encodeFrame('hex', value.slice(4)) : encodeFrame('text', value);
    if (parsed.ok) edited[picked.index] = parsed.bytes;
  }
}

/** Replays one message; resolves with what happened, in words. */
export async function replayOne(engine: EngineClient, controller: EndpointController, seq: number): Promise<string> {
  const record = await recordAt(engine, seq);
  if (!record) throw new Error(`Message #${seq} is no longer in the capture.`);
  if (record.frameSizes.some((size, i) => size !== record.frames[i].length)) {
    const go = await vscode.window.showWarningMessage(
      `Message #${seq} was captured truncated: replaying sends the captured bytes only.`,
      { modal: true },
      'Replay Anyway',
    );
    if (!go) return 'cancelled';
  }
  const target = await pickTarget(controller);
  if (!target) return 'cancelled';
  const frames = await editFrames(framesForReplay(record, target.type));
  if (!frames) return 'cancelled';
  const { reply } = await engine.call('session.send', { id: target.id, frames });
  return `sent from ${target.name}${reply ? `; reply: ${reply.frames.length} frame(s)` : ''}`;
}

/** Replays the inspector's selected messages from one session the user picks, in capture order. */
export async function replaySelected(engine: EngineClient, controller: EndpointController, seqs: readonly number[]): Promise<string> {
  const go = await vscode.window.showInformationMessage(
    `Send the ${seqs.length.toLocaleString('en-US')} selected messages again, as captured?`,
    { modal: true },
    'Pick a Session…',
  );
  if (!go) return 'cancelled';
  const target = await pickTarget(controller);
  if (!target) return 'cancelled';
  let sent = 0;
  let gone = 0;
  // Fetched a window at a time from the next seq wanted (a filtered selection may be spread far apart).
  for (let i = 0; i < seqs.length;) {
    const from = seqs[i];
    const { records } = await engine.call('capture.records', { fromSeq: from, count: MAX_RECORDS_PER_REQUEST });
    const bySeq = new Map(records.map((r) => [r.seq, r]));
    const covered = Math.max(from, records.at(-1)?.seq ?? from);
    for (; i < seqs.length && seqs[i] <= covered; i++) {
      const record = bySeq.get(seqs[i]);
      if (!record) {
        gone++;
        continue;
      }
      await engine.call('session.send', { id: target.id, frames: framesForReplay(record, target.type) });
      sent++;
    }
  }
  return `${sent.toLocaleString('en-US')} sent from ${target.name}${gone ? `, ${gone} no longer in the capture` : ''}`;
}

type ReplayRange = { from: number; to: number; panelId?: string };

/** The inspector's filtered messages, when a panel is open and shows some, or a range typed by the user. */
async function pickRange(engine: EngineClient, inspectorPanelId: () => string | undefined): Promise<ReplayRange | undefined> {
  const panelId = inspectorPanelId();
  const shown = panelId ? await engine.request('inspector.shown', { panelId }) : undefined;
  if (panelId && shown?.ok && shown.value.count) {
    const { count, firstSeq, lastSeq } = shown.value;
    const picked = await vscode.window.showQuickPick(
      [
        {
          label: `The ${count.toLocaleString('en-US')} messages the inspector shows`,
          description: `#${firstSeq}–#${lastSeq}`,
          inspector: true,
        },
        { label: 'A range of sequence numbers…', inspector: false },
      ],
      { ignoreFocusOut: true, title: 'Replay Captured Messages', placeHolder: 'Which messages?' },
    );
    if (!picked) return undefined;
    if (picked.inspector) return { from: firstSeq!, to: lastSeq!, panelId };
  }
  const stats = engine.snapshot?.stats;
  const text = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title: 'Replay Captured Messages',
    prompt: stats?.retained
      ? `Sequence number or range (the capture holds #${stats.firstSeq}–#${stats.lastSeq})`
      : 'Sequence number or range',
    validateInput: (v) => {
      const r = parseSeqRange(v);
      return typeof r === 'string' ? r : undefined;
    },
  });
  const range = text ? parseSeqRange(text) : undefined;
  return range && typeof range !== 'string' ? range : undefined;
}

const SPEEDS: Array<vscode.QuickPickItem & { speed: number | 'max' }> = [
  { label: 'Original timing', description: '×1', speed: 1 },
  { label: 'Half speed', description: '×0.5: gaps twice as long', speed: 0.5 },
  { label: 'Twice as fast', description: '×2', speed: 2 },
  { label: 'Ten times as fast', description: '×10', speed: 10 },
  { label: 'As fast as possible', description: 'no waiting', speed: 'max' },
];

/** "replayed 20 of 20 messages from pub in 1.05 s (captured over 2.10 s, ×2)". */
export function describeReplay(
  name: string,
  speed: number | 'max',
  result: { sent: number; of: number; elapsedMs: number; capturedMs: number },
): string {
  const pace = speed === 'max' ? 'as fast as possible' : `×${speed}`;
  return (
    `ZeroMQ: replayed ${result.sent} of ${result.of} messages from ${name} in ` +
    `${seconds(result.elapsedMs)} (captured over ${seconds(result.capturedMs)}, ${pace}).`
  );
}

export function registerReplayCommands(
  engine: EngineClient,
  controller: EndpointController,
  inspectorPanelId: () => string | undefined = () => undefined,
): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('zeromq.replayMessages', (seq?: number) =>
      runCommand(async () => {
        if (typeof seq === 'number')
          return void vscode.window.showInformationMessage(`ZeroMQ: replay of #${seq}: ${await replayOne(engine, controller, seq)}.`);
        const range = await pickRange(engine, inspectorPanelId);
        if (!range) return;
        if (range.from === range.to && !range.panelId)
          return void vscode.window.showInformationMessage(
            `ZeroMQ: replay of #${range.from}: ${await replayOne(engine, controller, range.from)}.`,
          );
        const { records } = await engine.call('capture.records', { fromSeq: range.from, count: 1 });
        if (!records.length || records[0].seq > range.to)
          return void vscode.window.showWarningMessage('ZeroMQ: none of those messages is still in the capture.');
        const target = await pickTarget(controller);
        if (!target) return;
        const count = range.to - range.from + 1;
        const pace = await vscode.window.showQuickPick(SPEEDS, {
          ignoreFocusOut: true,
          placeHolder: `messages #${range.from}–#${range.to}: at what pace?`,
        });
        if (!pace) return;
        const result = await withEngineProgress(`ZeroMQ: replaying up to ${count} messages from ${target.name}`, async (tracking) => {
          const outcome = await engine.request(
            'capture.replay',
            {
              fromSeq: range.from,
              toSeq: range.to,
              sessionId: target.id,
              speed: pace.speed,
              ...(range.panelId ? { panelId: range.panelId } : {}),
            },
            { ...tracking, timeoutMs: 24 * 3600 * 1000 },
          );
          if (!outcome.ok && outcome.error.code !== 'ECANCELED') throw new Error(outcome.error.message);
          return outcome.ok ? outcome.value : undefined;
        });
        void vscode.window.showInformationMessage(
          result ? describeReplay(target.name, pace.speed, result) : `ZeroMQ: replay from ${target.name} cancelled.`,
        );
      }),
    ),
  ];
}
