// Commands that create, start, stop, save and remove endpoints, and change SUB subscriptions.
import * as vscode from 'vscode';
import type { EndpointDefinition } from '../core/session/endpointConfig';
import { SOCKET_TYPES, observerFor } from '../core/session/socketTypes';
import type { SocketTypeName } from '../core/types';
import { errorText } from '../core/session/zmqErrors';
import type { EndpointController, EndpointEntry } from './endpointController';
import type { KeyStore } from '../security/keyStore';
import { securityWizard } from '../security/securityWizard';
import { inputAddress } from './addressInput';
import { runCommand } from '../commands/runCommand';

/** What a command receives from the tree (a node) or nothing (from the palette). */
export type EndpointArg = { entry?: EndpointEntry } | undefined;

/** The entry a command applies to: the clicked node, or one the user picks. */
export async function pickEntry(
  controller: EndpointController,
  arg: EndpointArg,
  placeHolder: string,
  filter: (e: EndpointEntry) => boolean = () => true,
): Promise<EndpointEntry | undefined> {
  if (arg?.entry) return controller.get(arg.entry.definition.name);
  const candidates = controller.list().filter(filter);
  if (!candidates.length) {
    void vscode.window
      .showInformationMessage('ZeroMQ: no matching endpoint. Add one first.', 'Add Endpoint')
      .then((c) => c && vscode.commands.executeCommand('zeromq.addEndpoint'));
    return undefined;
  }
  if (candidates.length === 1) return candidates[0];
  const picked = await vscode.window.showQuickPick(
    candidates.map((entry) => ({
      label: entry.definition.name,
      description: `${entry.definition.type} ${entry.definition.mode} ${entry.definition.address}`,
      detail: entry.session ? `running · ${entry.session.state}` : 'stopped',
      entry,
    })),
    { placeHolder, matchOnDescription: true },
  );
  return picked?.entry;
}

/** One line per socket type: what it does and what observing with it costs the real system. */
export function socketTypeDetail(type: SocketTypeName): string {
  const watched = SOCKET_TYPES.filter((peer) => observerFor(peer.name).observer === type && peer.name !== 'STREAM');
  const notes = watched.map((peer) => {
    const advice = observerFor(peer.name);
    return `${advice.passive ? '$(eye) passive' : '$(warning) intrusive'} on a ${peer.name}`;
  });
  return notes.length ? `Observes: ${notes.join(' · ')}` : '';
}

export async function addEndpointWizard(
  controller: EndpointController,
  preset: Partial<EndpointDefinition> = {},
  keys?: KeyStore,
): Promise<EndpointEntry | undefined> {
  const type = preset.type ?? (await pickSocketType('Socket type the inspector opens (1/4)'));
  if (!type) return undefined;
  const mode =
    preset.mode ??
    (
      await vscode.window.showQuickPick(
        [
          { label: 'connect', description: 'to a socket your service binds (most common for observing)', mode: 'connect' as const },
          { label: 'bind', description: 'and let your services connect to the inspector', mode: 'bind' as const },
        ],
        { placeHolder: `${type}: bind or connect? (2/4)` },
      )
    )?.mode;
  if (!mode) return undefined;
  const address = await inputAddress(mode, preset.address, `${type} ${mode}: address (3/4)`);
  if (!address) return undefined;
  let subscriptions: string[] | undefined;
  if (type === 'SUB' || type === 'XSUB') {
    const text = await vscode.window.showInputBox({
      ignoreFocusOut: true,
      title: 'Subscriptions (4/4)',
      prompt: 'Topic prefixes, comma separated (hex:0a0b for bytes). Leave empty to receive everything.',
      value: preset.subscriptions?.join(', ') ?? '',
    });
    if (text === undefined) return undefined;
    subscriptions = text.trim() ? text.split(',').map((s) => s.trim()) : [''];
  }
  // Security is offered only where it applies (not inproc) and only from the wizard's full path.
  let security: EndpointDefinition['security'];
  if (keys && !address.startsWith('inproc://') && preset.security === undefined && preset.mode === undefined) {
    const chosen = await securityWizard(keys, address, mode);
    if (chosen === undefined) return undefined;
    security = chosen ?? undefined;
  }
  const port = /:(\d+)$/.exec(address)?.[1];
  const defaultName = uniqueName(controller, preset.name ?? `${type.toLowerCase()}${port ? `-${port}` : ''}`);
  const name = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title: 'Session name',
    value: defaultName,
    validateInput: (value) =>
      !value.trim() ? 'Give the session a name.' : controller.get(value.trim()) ? `"${value.trim()}" is already used.` : undefined,
  });
  if (!name) return undefined;
  const definition: EndpointDefinition = {
    name: name.trim(),
    type,
    mode,
    address,
    ...(subscriptions ? { subscriptions } : {}),
    ...(security ? { security } : {}),
  };
  try {
    await controller.addAndStart(definition);
  } catch (error) {
    void vscode.window.showErrorMessage(`ZeroMQ: ${errorText(error)}`);
    return undefined;
  }
  const entry = controller.get(definition.name);
  // Not awaited: the wizard is done; the notification only offers the next steps.
  void vscode.window
    .showInformationMessage(`ZeroMQ: ${definition.name} started (${type} ${mode} ${address}).`, 'Open Inspector', 'Save to Settings')
    .then((choice) => {
      if (choice === 'Open Inspector') void vscode.commands.executeCommand('zeromq.openInspector');
      if (choice === 'Save to Settings') void vscode.commands.executeCommand('zeromq.saveEndpoint', { entry });
    });
  return entry;
}

export async function pickSocketType(placeHolder: string): Promise<SocketTypeName | undefined> {
  const picked = await vscode.window.showQuickPick(
    SOCKET_TYPES.map((t) => ({ label: t.name, description: t.description, detail: socketTypeDetail(t.name) || undefined, type: t.name })),
    { placeHolder, matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.type;
}

function uniqueName(controller: EndpointController, base: string): string {
  if (!controller.get(base)) return base;
  for (let i = 2; ; i++) if (!controller.get(`${base}-${i}`)) return `${base}-${i}`;
}

/** A running SUB or XSUB session: the one the command was invoked on, or one the user picks. */
function pickSubscriber(controller: EndpointController, arg: EndpointArg): Promise<EndpointEntry | undefined> {
  return pickEntry(controller, arg, 'SUB session', (e) => !!e.session && (e.definition.type === 'SUB' || e.definition.type === 'XSUB'));
}

export function registerEndpointCommands(controller: EndpointController, keys?: KeyStore): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('zeromq.addEndpoint', () => runCommand(() => addEndpointWizard(controller, {}, keys))),
    vscode.commands.registerCommand('zeromq.startEndpoint', (arg: EndpointArg) =>
      runCommand(async () => {
        const entry = await pickEntry(controller, arg, 'Endpoint to start', (e) => !e.session);
        if (entry) await controller.start(entry.definition.name);
      }),
    ),
    vscode.commands.registerCommand('zeromq.stopEndpoint', (arg: EndpointArg) =>
      runCommand(async () => {
        const entry = await pickEntry(controller, arg, 'Endpoint to stop', (e) => !!e.session);
        if (entry) controller.stop(entry.definition.name);
      }),
    ),
    vscode.commands.registerCommand('zeromq.removeEndpoint', (arg: EndpointArg) =>
      runCommand(async () => {
        const entry = await pickEntry(controller, arg, 'Endpoint to remove');
        if (!entry) return;
        if (entry.saved) {
          const ok = await vscode.window.showWarningMessage(
            `Remove "${entry.definition.name}" from the zeromq.endpoints setting?`,
            { modal: true },
            'Remove',
          );
          if (ok !== 'Remove') return;
        }
        await controller.remove(entry.definition.name);
      }),
    ),
    vscode.commands.registerCommand('zeromq.saveEndpoint', (arg: EndpointArg) =>
      runCommand(async () => {
        const entry = await pickEntry(controller, arg, 'Endpoint to save', (e) => !e.saved);
        if (!entry) return;
        const autoStart = await vscode.window.showQuickPick(['Start when the workspace opens', 'Start by hand'], {
          ignoreFocusOut: true,
          placeHolder: `Save "${entry.definition.name}" to settings`,
        });
        if (!autoStart) return;
        await controller.save(entry.definition.name, autoStart.startsWith('Start when'));
      }),
    ),
    vscode.commands.registerCommand('zeromq.subscribe', (arg: EndpointArg) =>
      runCommand(async () => {
        const entry = await pickSubscriber(controller, arg);
        if (!entry?.session) return;
        const prefix = await vscode.window.showInputBox({
          ignoreFocusOut: true,
          title: `Subscribe ${entry.definition.name}`,
          prompt: 'Topic prefix (hex:0a0b for bytes; empty = everything)',
        });
        if (prefix === undefined) return;
        entry.session.subscribe(prefix);
      }),
    ),
    vscode.commands.registerCommand('zeromq.unsubscribe', (arg: EndpointArg) =>
      runCommand(async () => {
        const entry = await pickSubscriber(controller, arg);
        const session = entry?.session;
        if (!session) return;
        if (!session.subscriptions.length)
          return void vscode.window.showInformationMessage(`${entry.definition.name} has no subscription.`);
        const prefix = await vscode.window.showQuickPick(
          session.subscriptions.map((s) => ({ label: s === '' ? '(everything)' : s, prefix: s })),
          { ignoreFocusOut: true, placeHolder: 'Subscription to cancel' },
        );
        if (prefix) session.unsubscribe(prefix.prefix);
      }),
    ),
  ];
}
