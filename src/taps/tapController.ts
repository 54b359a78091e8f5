// Taps the user inserted: "Insert Tap…" (probe the service, pick the socket pair, bind the listen side),
// their lifetimes, and the words the inspector shows for tapped requests and replies.
import * as vscode from 'vscode';
import type { CaptureSink } from '../core/session/session';
import { parseEndpoint } from '../core/session/endpoint';
import { parseSocketType } from '../core/session/socketTypes';
import { TAP_SOCKETS, Tap, tapPatternFor, type TapPattern } from '../core/tap/tap';
import { probeEndpoint } from '../core/zmtp/zmtpProbe';
import { inputAddress } from '../endpoints/addressInput';
import type { Config } from '../config/config';
import { runCommand } from '../commands/runCommand';
import type { SessionManager } from '../core/session/sessionManager';

export class TapController implements vscode.Disposable {
  private readonly taps = new Map<string, Tap>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private nextId = 1;

  constructor(
    private readonly store: CaptureSink,
    private readonly directory: Pick<SessionManager, 'recordCaptureSource'>,
    private readonly log: vscode.LogOutputChannel,
    private readonly config: Config,
  ) {}

  list(): Tap[] {
    return [...this.taps.values()];
  }

  get(id: string): Tap | undefined {
    return this.taps.get(id);
  }

  async start(name: string, pattern: TapPattern, listen: string, upstream: string): Promise<Tap> {
    if (this.list().some((t) => t.name === name)) throw new Error(`A tap named "${name}" already runs.`);
    const tap = await Tap.start({
      id: `tap${this.nextId++}`,
      name,
      pattern,
      listen,
      upstream,
      sink: this.store,
      replyTimeoutMs: this.config.receiveTimeoutMs,
      onUnanswered: (request) => {
        this.log.warn(
          `[${name}] request #${request.seq} from client 0x${request.clientIdHex} has had no reply for ${(request.ageMs / 1000).toFixed(1)} s: a REQ client is now stuck in lock-step.`,
        );
        this.changed.fire();
      },
    });
    this.taps.set(tap.id, tap);
    // The tap's messages are captured as seen by its front socket (the one the clients talk to).
    this.directory.recordCaptureSource(tap.id, name, TAP_SOCKETS[pattern].front);
    this.log.info(
      `Tap ${name} (${TAP_SOCKETS[pattern].front}/${TAP_SOCKETS[pattern].back}) listens on ${tap.listen} and forwards to ${tap.upstream}`,
    );
    this.changed.fire();
    return tap;
  }

  async stop(id: string): Promise<void> {
    const tap = this.taps.get(id);
    if (!tap) return;
    this.taps.delete(id);
    await tap.close();
    this.log.info(`Tap ${tap.name} stopped; ${tap.listen} is free again`);
    this.changed.fire();
  }

  /** "reply to #12 · 3.4 ms" for a tapped reply, "replied by #13 · 3.4 ms" for its request. */
  annotate(seq: number): string | undefined {
    for (const tap of this.taps.values()) {
      const correlation = tap.correlation(seq);
      if (correlation) {
        const ms = correlation.rttMs < 10 ? correlation.rttMs.toFixed(2) : correlation.rttMs.toFixed(0);
        return correlation.role === 'reply'
          ? `reply to #${correlation.pairSeq} · ${ms} ms`
          : `replied by #${correlation.pairSeq} · ${ms} ms`;
      }
      if (tap.unanswered().some((u) => u.seq === seq)) return 'no reply yet';
    }
    return undefined;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.list().map((tap) => tap.close()));
    this.taps.clear();
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
        const probe = upstream.startsWith('tcp://') ? await probeEndpoint(upstream, { timeoutMs: 2000 }) : undefined;
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
          `Insert Tap (2/3): the address your clients will connect to (${probed ? `service is a ${probed}; ` : ''}tap uses ${TAP_SOCKETS[pattern].front}/${TAP_SOCKETS[pattern].back})`,
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
    vscode.commands.registerCommand('zeromq.removeTap', (arg?: { tap?: Tap }) =>
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
