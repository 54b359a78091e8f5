// Replay: resend captured messages to a session or an address, one (frames editable first, from the
// inspector's "Replay…") or a range (from the palette, with the original spacing or as fast as possible).
import * as vscode from 'vscode';
import type { CaptureStore } from '../core/capture/captureStore';
import { encodeFrame } from '../core/session/frameInput';
import { framesForReplay, parseSeqRange } from '../core/capture/replayFrames';
import type { Session } from '../core/session/session';
import type { CaptureRecord } from '../core/types';
import type { EndpointController } from '../endpoints/endpointController';
import { addEndpointWizard } from '../endpoints/endpointCommands';
import { runCommand } from '../commands/runCommand';

export function framesFor(record: CaptureRecord, target: Session): Uint8Array[] {
  return framesForReplay(record, target.type);
}

async function pickTarget(controller: EndpointController): Promise<Session | undefined> {
  const senders = controller.running().filter((e) => e.session!.canSend);
  const items: Array<vscode.QuickPickItem & { session?: Session }> = senders.map((e) => ({
    label: e.definition.name,
    description: `${e.definition.type} ${e.definition.mode} ${e.definition.address}`,
    session: e.session,
  }));
  items.push({ label: '$(add) To an address… (a new session)' });
  const picked = await vscode.window.showQuickPick(items, { ignoreFocusOut: true, placeHolder: 'Replay from which session?' });
  if (!picked) return undefined;
  return picked.session ?? (await addEndpointWizard(controller, { mode: 'connect' }))?.session;
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
export async function replayOne(store: CaptureStore, controller: EndpointController, seq: number): Promise<string> {
  const record = store.get(seq);
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
  const frames = await editFrames(framesFor(record, target));
  if (!frames) return 'cancelled';
  const reply = await target.send(frames);
  return `sent from ${target.name}${reply ? `; reply: ${reply.length} frame(s)` : ''}`;
}

export function registerReplayCommands(store: CaptureStore, controller: EndpointController): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('zeromq.replayMessages', (seq?: number) =>
      runCommand(async () => {
        if (typeof seq === 'number')
          return void vscode.window.showInformationMessage(`ZeroMQ: replay of #${seq}: ${await replayOne(store, controller, seq)}.`);
        const text = await vscode.window.showInputBox({
          ignoreFocusOut: true,
          title: 'Replay Captured Messages',
          prompt: `Sequence number or range (the capture holds #${store.firstSeq}–#${store.lastSeq})`,
          validateInput: (v) => {
            const r = parseSeqRange(v);
            return typeof r === 'string' ? r : undefined;
          },
        });
        if (!text) return;
        const range = parseSeqRange(text);
        if (typeof range === 'string') return;
        const records = store.range(range.from, range.to - range.from + 1);
        if (!records.length) return void vscode.window.showWarningMessage('ZeroMQ: none of those messages is still in the capture.');
        if (records.length === 1)
          return void vscode.window.showInformationMessage(
            `ZeroMQ: replay of #${records[0].seq}: ${await replayOne(store, controller, records[0].seq)}.`,
          );
        const target = await pickTarget(controller);
        if (!target) return;
        const pace = await vscode.window.showQuickPick(
          [
            { label: 'With the original spacing', keep: true },
            { ignoreFocusOut: true, label: 'As fast as possible', keep: false },
          ],
          { placeHolder: `${records.length} messages` },
        );
        if (!pace) return;
        let sent = 0;
        await vscode.window.withProgress(
          {
            location: vscode.ProgressLocation.Notification,
            title: `ZeroMQ: replaying ${records.length} messages from ${target.name}`,
            cancellable: true,
          },
          async (progress, token) => {
            const startedAt = performance.now();
            const firstTime = records[0].timeNs;
            for (const record of records) {
              if (token.isCancellationRequested) break;
              if (pace.keep) {
                const due = Number(record.timeNs - firstTime) / 1e6 - (performance.now() - startedAt);
                if (due > 0) await new Promise((r) => setTimeout(r, due));
              }
              await target.send(framesFor(record, target));
              sent++;
              if (sent % 100 === 0) progress.report({ message: `${sent}/${records.length}`, increment: (100 * 100) / records.length });
            }
          },
        );
        void vscode.window.showInformationMessage(`ZeroMQ: replayed ${sent} of ${records.length} messages from ${target.name}.`);
      }),
    ),
  ];
}
