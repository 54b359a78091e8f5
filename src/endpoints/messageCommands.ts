// Send Message… (compose frames, send, show the reply) and Receive One Message… (wait, show it decoded).
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { encodeFrame, type FrameFormat } from '../core/session/frameInput';
import type { Session } from '../core/session/session';
import { socketTypeInfo } from '../core/session/socketTypes';
import type { DecodeContext, DecodeResult } from '../core/types';
import { ZmqUserError } from '../core/session/zmqErrors';
import type { EndpointController, EndpointEntry } from './endpointController';
import type { MessageDocuments } from './messageDocuments';
import { addEndpointWizard, pickEntry, type EndpointArg } from './endpointCommands';
import { runCommand } from '../commands/runCommand';

export type FrameDecodeFunction = (frame: Uint8Array, context: DecodeContext) => DecodeResult;

export interface MessageCommandDeps {
  controller: EndpointController;
  documents: MessageDocuments;
  decode: FrameDecodeFunction;
  receiveTimeoutMs(): number;
}

const MAX_FILE_FRAME = 256 * 1024 * 1024;

type FormatChoice = FrameFormat | 'file' | 'send' | 'empty';

/** Asks for frames until the user chooses to send. Returns undefined when cancelled. */
export async function composeFrames(title: string): Promise<Buffer[] | undefined> {
  const frames: Buffer[] = [];
  for (;;) {
    const items: Array<vscode.QuickPickItem & { choice: FormatChoice }> = [];
    if (frames.length)
      items.push({
        label: `$(send) Send ${frames.length} frame${frames.length === 1 ? '' : 's'}`,
        choice: 'send',
        detail: frames.map((f, i) => `${i}: ${preview(f)}`).join('  ·  '),
      });
    items.push(
      { label: 'Text', description: 'UTF-8', choice: 'text' },
      { label: 'JSON', description: 'validated, sent compact', choice: 'json' },
      { label: 'Hex', description: 'e.g. 01 ff 0a', choice: 'hex' },
      { label: 'Base64', choice: 'base64' },
      { label: 'File…', description: "a file's bytes", choice: 'file' },
      { label: 'Empty frame', description: 'a delimiter', choice: 'empty' },
    );
    const picked = await vscode.window.showQuickPick(items, {
      ignoreFocusOut: true,
      title,
      placeHolder: `Frame ${frames.length}: choose its format${frames.length ? ', or send' : ''}`,
    });
    if (!picked) return undefined;
    if (picked.choice === 'send') return frames;
    if (picked.choice === 'empty') {
      frames.push(Buffer.alloc(0));
      continue;
    }
    if (picked.choice === 'file') {
      const uris = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Use as frame' });
      if (!uris?.length) continue;
      const bytes = await readFile(uris[0].fsPath);
      if (bytes.length > MAX_FILE_FRAME)
        throw new ZmqUserError(`The file is ${bytes.length} bytes; frames from files are limited to ${MAX_FILE_FRAME} bytes.`);
      frames.push(bytes);
      continue;
    }
    const format = picked.choice;
    const text = await vscode.window.showInputBox({
      ignoreFocusOut: true,
      title: `${title}: frame ${frames.length} (${picked.label})`,
      prompt: `Frame ${frames.length} as ${picked.label}`,
      validateInput: (input) => {
        const result = encodeFrame(format, input);
        return result.ok ? undefined : result.error;
      },
    });
    if (text === undefined) continue;
    const result = encodeFrame(format, text);
    if (result.ok) frames.push(result.bytes);
  }
}

function preview(frame: Uint8Array): string {
  if (!frame.length) return '(empty)';
  const text = Buffer.from(frame.subarray(0, 40)).toString('utf8');
  return /^[\x20-\x7e]*$/.test(text) ? JSON.stringify(text) + (frame.length > 40 ? '…' : '') : `${frame.length} B`;
}

async function pickRoutingId(session: Session): Promise<Buffer | undefined> {
  const peers = [...session.monitor.routingPeers.values()];
  const items: Array<vscode.QuickPickItem & { id?: Buffer }> = peers.map((p) => ({
    label: p.idText ?? `0x${p.idHex}`,
    description: `${p.messages} msgs`,
    id: Buffer.from(p.idHex, 'hex'),
  }));
  items.push({ label: 'Type a routing id…' });
  const picked = await vscode.window.showQuickPick(items, {
    ignoreFocusOut: true,
    placeHolder: 'A ROUTER sends to one peer: pick its routing id',
  });
  if (!picked) return undefined;
  if (picked.id) return picked.id;
  const typed = await vscode.window.showInputBox({ ignoreFocusOut: true, prompt: 'Routing id (text, or hex:0a0b)' });
  if (!typed) return undefined;
  return typed.startsWith('hex:') ? Buffer.from(typed.slice(4), 'hex') : Buffer.from(typed);
}

function decodeAll(deps: MessageCommandDeps, session: Session | undefined, frames: Uint8Array[]) {
  const hasRoutingId = session ? socketTypeInfo(session.type).receivesRoutingId : false;
  return frames.map((bytes, frameIndex) => ({
    bytes,
    label: hasRoutingId && frameIndex === 0 ? 'routing id' : bytes.length === 0 ? 'empty delimiter' : undefined,
    decoded: deps.decode(bytes, { sessionId: session?.id, socketType: session?.type, frameIndex, frameCount: frames.length }),
  }));
}

async function sendMessage(deps: MessageCommandDeps, arg: EndpointArg): Promise<void> {
  const { controller } = deps;
  let entry: EndpointEntry | undefined;
  if (arg?.entry) entry = controller.get(arg.entry.definition.name);
  else {
    const senders = controller.running().filter((e) => e.session!.canSend);
    const items: Array<vscode.QuickPickItem & { entry?: EndpointEntry }> = senders.map((e) => ({
      label: e.definition.name,
      description: `${e.definition.type} ${e.definition.mode} ${e.definition.address}`,
      entry: e,
    }));
    items.push({ label: '$(add) New temporary session…', description: 'e.g. a REQ to call a REP service' });
    const picked = await vscode.window.showQuickPick(items, { ignoreFocusOut: true, placeHolder: 'Send from which session?' });
    if (!picked) return;
    entry = picked.entry ?? (await addEndpointWizard(controller, { mode: 'connect' }));
  }
  const session = entry?.session;
  if (!entry || !session) {
    if (entry) void vscode.window.showWarningMessage(`ZeroMQ: start "${entry.definition.name}" before sending.`);
    return;
  }
  let routingId: Buffer | undefined;
  if (session.type === 'ROUTER') {
    routingId = await pickRoutingId(session);
    if (!routingId) return;
  }
  const frames = await composeFrames(`Send from ${entry.definition.name} (${session.type})`);
  if (!frames) return;
  const timeoutMs = deps.receiveTimeoutMs();
  const reply = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `ZeroMQ: sending from ${entry.definition.name}`,
      // A send can wait for a peer (a bound PUSH with none connected): the user can always give up.
      cancellable: true,
    },
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      const sent = await session.send(frames, { routingId, replyTimeoutMs: timeoutMs, sendTimeoutMs: timeoutMs, signal: abort.signal });
      if (sent) return sent;
      if (session.type !== 'DEALER') return undefined;
      // A DEALER's reply arrives on its receive loop: wait for the next message.
      progress.report({ message: 'waiting for the reply…' });
      return (await session.nextMessage(timeoutMs, abort.signal)).frames;
    },
  );
  if (!reply) {
    void vscode.window.showInformationMessage(
      `ZeroMQ: sent ${frames.length} frame${frames.length === 1 ? '' : 's'} from ${entry.definition.name}.`,
    );
    return;
  }
  await deps.documents.show(
    `reply-${entry.definition.name}`,
    [
      `Reply received by ${entry.definition.name} (${session.type} ${session.mode} ${session.addresses.join(', ')}) at ${new Date().toISOString()}`,
    ],
    decodeAll(deps, session, reply),
  );
}

async function receiveOnce(deps: MessageCommandDeps, arg: EndpointArg): Promise<void> {
  const entry = await pickEntry(
    deps.controller,
    arg,
    'Receive on which session?',
    (e) => !!e.session?.canReceive && e.session.type !== 'REQ',
  );
  const session = entry?.session;
  if (!entry || !session) return;
  const timeoutMs = deps.receiveTimeoutMs();
  const message = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `ZeroMQ: waiting for a message on ${entry.definition.name} (up to ${Math.round(timeoutMs / 1000)} s)`,
      cancellable: true,
    },
    (_progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return session.nextMessage(timeoutMs, abort.signal);
    },
  );
  await deps.documents.show(
    `message-${message.seq}`,
    [`Message #${message.seq} received by ${entry.definition.name} (${session.type}) at ${new Date().toISOString()}`],
    decodeAll(deps, session, message.frames),
  );
}

export function registerMessageCommands(deps: MessageCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('zeromq.sendMessage', (arg: EndpointArg) => runCommand(() => sendMessage(deps, arg))),
    vscode.commands.registerCommand('zeromq.receiveOnce', (arg: EndpointArg) => runCommand(() => receiveOnce(deps, arg))),
  ];
}
