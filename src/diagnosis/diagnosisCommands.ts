// "Why Am I Not Receiving?" (zeromq.diagnose) from the palette, an endpoint's or a tap's context menu, or
// an endpoint in the Pairings view; and "Track Sequence Numbers…" (zeromq.trackSequence).
import * as vscode from 'vscode';
import { parseSequenceField, SequenceFieldError } from '../core/diagnosis/sequenceField';
import type { EngineParams, TapSnapshot } from '../shared/engineProtocol';
import { errorText } from '../core/session/zmqErrors';
import { registerCommand } from '../commands/runCommand';
import { pickEntry, type EndpointArg } from '../endpoints/endpointCommands';
import type { EndpointController } from '../endpoints/endpointController';
import type { TapController } from '../taps/tapController';
import { connectableAddress } from '../core/scan/connectableAddress';
import type { PairingNode } from '../topology/pairingsView';
import type { DiagnosisController } from './diagnosisController';

export interface DiagnosisCommandDeps {
  diagnosis: DiagnosisController;
  controller: EndpointController;
  taps: TapController;
}

type DiagnoseArg = EndpointArg | { kind: 'tap'; tap: TapSnapshot } | PairingNode | string;
type PublisherChoice = EngineParams<'diagnosis.track'>['publisher'];

export function registerDiagnosisCommands(deps: DiagnosisCommandDeps): vscode.Disposable[] {
  return [
    registerCommand('zeromq.diagnose', (arg?: DiagnoseArg) => diagnose(deps, arg)),
    registerCommand('zeromq.trackSequence', (arg?: EndpointArg, field?: string) => trackSequence(deps, arg, field)),
  ];
}

async function diagnose(deps: DiagnosisCommandDeps, arg: DiagnoseArg | undefined): Promise<void> {
  if (typeof arg === 'string') {
    const entry = deps.controller.get(arg);
    return entry ? deps.diagnosis.diagnoseEntry(entry) : deps.diagnosis.diagnoseAddress(arg);
  }
  if (arg && 'kind' in arg && arg.kind === 'tap') return deps.diagnosis.diagnoseTap(arg.tap);
  if (arg && 'verdict' in arg && arg.verdict) {
    const address = connectableAddress(arg.verdict);
    if (!address) return void vscode.window.showWarningMessage('ZeroMQ: this endpoint is not a concrete address the inspector can reach.');
    const connector = arg.verdict.connectors.find((c) => c.socketType)?.socketType;
    return deps.diagnosis.diagnoseAddress(address, connector);
  }
  if (arg && 'entry' in arg && arg.entry) return deps.diagnosis.diagnoseEntry(deps.controller.get(arg.entry.definition.name) ?? arg.entry);
  // From the palette: a running endpoint or a tap.
  const items = [
    ...deps.controller.running().map((entry) => ({
      label: entry.definition.name,
      description: `${entry.definition.type} ${entry.definition.mode} ${entry.definition.address}`,
      detail: entry.session!.state,
      run: () => deps.diagnosis.diagnoseEntry(entry),
    })),
    ...deps.taps.list().map((tap) => ({
      label: tap.name,
      description: `tap ${tap.listen} → ${tap.upstream}`,
      detail: tap.pattern,
      run: () => deps.diagnosis.diagnoseTap(tap),
    })),
  ];
  if (!items.length) {
    const entry = await pickEntry(deps.controller, undefined, 'Which endpoint is not receiving?');
    return entry ? deps.diagnosis.diagnoseEntry(entry) : undefined;
  }
  const picked =
    items.length === 1
      ? items[0]
      : await vscode.window.showQuickPick(items, { placeHolder: 'Which session is not receiving?', matchOnDescription: true });
  await picked?.run();
}

async function trackSequence(deps: DiagnosisCommandDeps, arg: EndpointArg, fieldText?: string): Promise<void> {
  const entry = await pickEntry(deps.controller, arg, 'Track sequence numbers of which endpoint?', (e) => !!e.session);
  const session = entry?.session;
  if (!entry || !session) return;
  if (fieldText) {
    parseSequenceField(fieldText);
    return deps.diagnosis.track(entry, fieldText);
  }
  const proposals = await deps.diagnosis.propose(entry);
  const tracking = session.tracked;
  type Item = vscode.QuickPickItem & { action: 'field' | 'custom' | 'stop'; text?: string };
  const items: Item[] = [
    ...proposals.map((p): Item => ({ label: p.text, description: 'proposed', detail: p.description, action: 'field', text: p.text })),
    {
      label: '$(edit) Enter a field…',
      detail: 'u32be@0 · f1:u64le@8 · json:header.seq · msgpack:seq · cbor:seq · protobuf:1',
      action: 'custom',
    },
    ...(tracking ? [{ label: '$(circle-slash) Stop tracking', action: 'stop' as const }] : []),
  ];
  const picked = await vscode.window.showQuickPick(items, {
    placeHolder: proposals.length
      ? 'Where do messages carry their sequence number? (proposed from the first messages)'
      : 'Where do messages carry their sequence number?',
  });
  if (!picked) return;
  if (picked.action === 'stop') return deps.diagnosis.untrack(entry);
  const text =
    picked.text ??
    (await vscode.window.showInputBox({
      prompt: 'Sequence field: a uint at a byte offset (u32be@0, f1:u64le@8) or a path (json:seq, msgpack:a.seq, cbor:seq, protobuf:1)',
      validateInput: (value) => {
        try {
          parseSequenceField(value);
          return undefined;
        } catch (error) {
          return error instanceof SequenceFieldError ? error.message : errorText(error);
        }
      },
    }));
  if (!text) return;
  const publisher = await vscode.window.showQuickPick(
    [
      { label: 'One publisher', key: undefined as PublisherChoice },
      { label: 'Per topic (frame 0)', detail: 'Each topic is numbered on its own', key: { kind: 'frame0' } as PublisherChoice },
      { label: '$(edit) Per publisher field…', detail: 'e.g. json:pub', key: 'ask' as const },
    ],
    { placeHolder: 'Do several publishers number their messages separately?' },
  );
  if (!publisher) return;
  let key = publisher.key;
  if (key === 'ask') {
    const fieldOfPublisher = await vscode.window.showInputBox({ prompt: 'The field that names the publisher, e.g. json:pub or u8@0' });
    if (!fieldOfPublisher) return;
    parseSequenceField(fieldOfPublisher);
    key = { kind: 'field', field: fieldOfPublisher };
  }
  parseSequenceField(text);
  await deps.diagnosis.track(entry, text, key);
  void vscode.window.showInformationMessage(
    `ZeroMQ: tracking ${text} on ${entry.definition.name}; gaps show in the inspector and under Findings.`,
  );
}
