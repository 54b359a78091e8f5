// Taps the user inserted: "Insert Tap…" (probe the service, pick the socket pair, bind the listen side)
// and their lifetimes. The taps run in the engine; this keeps their ids and reads their snapshots.
import * as vscode from 'vscode';
import { parseEndpoint } from '../core/session/endpoint';
import { parseSocketType } from '../core/session/socketTypes';
import { TAP_SOCKETS, tapPatternFor, type TapPattern } from '../core/tap/tap';
import type { ProbeResult } from '../core/zmtp/zmtpProbe';
import type { EngineClient } from '../engine/engineClient';
import type { TapSnapshot } from '../shared/engineProtocol';
import { inputAddress } from '../endpoints/addressInput';
import type { Config } from '../config/config';
import { runCommand } from '../commands/runCommand';

export class TapController implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: { dispose(): void };
  private nextId = 1;

  constructor(
    private readonly engine: EngineClient,
    private readonly config: Config,
  ) {
    this.subscription = engine.onSnapshot(() => this.changed.fire());
  }

  list(): TapSnapshot[] {
    return this.engine.snapshot?.taps ?? [];
  }

  get(id: string): TapSnapshot | undefined {
    return this.list().find((t) => t.id === id);
  }

  async start(name: string, pattern: TapPattern, listen: string, upstream: string): Promise<TapSnapshot> {
    if (this.list().some((t) => t.name === name)) throw new Error(`A tap named "${name}" already runs.`);
    const tap = await this.engine.call('tap.start', {
      id: `tap${this.nextId++}`,
      name,
      pattern,
      listen,
      upstream,
      replyTimeoutMs: this.config.receiveTimeoutMs,
      watchConnections: this.config.tapWatchesConnections,
    });
    this.changed.fire();
    return tap;
  }

  async stop(id: string): Promise<void> {
    await this.engine.call('tap.stop', { id });
    this.changed.fire();
  }

  /** The passive ZMTP probe, run by the engine (the peer's answer is hostile input). */
  probe(address: string): Promise<ProbeResult> {
    return this.engine.call('probe', { address, timeoutMs: 2000 }, { timeoutMs: 10_000 });
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

export function registerTapCommands(taps: TapController): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('zeromq.insertTap', () =>
      runCommand(async () => {
        const upstream = await inputAddress(
          'connect',
          'tcp://127.0.0.1:5555',
          "Insert Tap (1/3): the real service's address (where its REP, ROUTER, PUB or PUSH is bound)",
        );
        if (!upstream) return;
        const probe = upstream.startsWith('tcp://') ? await taps.probe(upstream) : undefined;
        const probed = probe?.socketType ? parseSocketType(probe.socketType) : undefined;
        let pattern = probed ? tapPatternFor(probed) : undefined;
        if (!pattern) {
          const picked = await vscode.window.showQuickPick(
            (Object.keys(TAP_SOCKETS) as TapPattern[]).map((p) => ({
              label: p,
              description: `${TAP_SOCKETS[p].front}/${TAP_SOCKETS[p].back}: ${TAP_SOCKETS[p].describe}`,
              pattern: p,
            })),
            {
              placeHolder: probe
                ? `The probe could not tell the service's socket type (${probe.explanation}). Which pattern?`
                : 'Which pattern does the service use?',
            },
          );
          if (!picked) return;
          pattern = picked.pattern;
        }
        const parsed = parseEndpoint(upstream, { mode: 'connect' });
        const port = parsed.ok ? parsed.endpoint.port : undefined;
        const suggested = port && port + 1000 <= 65535 ? `tcp://127.0.0.1:${port + 1000}` : 'tcp://127.0.0.1:6555';
        const listen = await inputAddress(
          'bind',
          suggested,
          `Insert Tap (2/3): the address your clients will connect to (${probed ? `service is a ${probed}; ` : ''}tap ` +
            `uses ${TAP_SOCKETS[pattern].front}/${TAP_SOCKETS[pattern].back})`,
        );
        if (!listen) return;
        const name = await vscode.window.showInputBox({
          ignoreFocusOut: true,
          title: 'Insert Tap (3/3): name',
          value: `tap-${port ?? 'x'}`,
          validateInput: (v) => (v.trim() ? undefined : 'Give the tap a name.'),
        });
        if (!name) return;
        const tap = await taps.start(name.trim(), pattern, listen, upstream);
        void vscode.window
          .showInformationMessage(
            `ZeroMQ: tap ${tap.name} forwards ${tap.listen} → ${tap.upstream}. Point your clients at ${tap.listen}.`,
            'Open Inspector',
          )
          .then((c) => c && vscode.commands.executeCommand('zeromq.openInspector'));
      }),
    ),
    vscode.commands.registerCommand('zeromq.removeTap', (arg?: { tap?: TapSnapshot }) =>
      runCommand(async () => {
        let tap = arg?.tap;
        if (!tap) {
          const picked = await vscode.window.showQuickPick(
            taps.list().map((t) => ({ label: t.name, description: `${t.listen} → ${t.upstream}`, tap: t })),
            { ignoreFocusOut: true, placeHolder: 'Tap to remove' },
          );
          tap = picked?.tap;
        }
        if (tap) await taps.stop(tap.id);
      }),
    ),
  ];
}
