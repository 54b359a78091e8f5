// CURVE key pairs and PLAIN passwords live only in VS Code's SecretStorage; settings refer to them by
// name. "Generate CURVE Key Pair" makes a pair, keeps the secret here and hands out the public key.
import * as vscode from 'vscode';
import type { EndpointSecurity } from '../core/session/endpointConfig';
import { generateCurveKeyPair, type CurveKeyPair, type SessionSecurity } from '../core/security/security';
import { ZmqUserError } from '../core/session/zmqErrors';
import { registerCommand } from '../commands/runCommand';

const PAIR_PREFIX = 'zeromq.curve.';
const PASSWORD_PREFIX = 'zeromq.plain.';
const NAMES_KEY = 'zeromq.curveKeyNames';

export class KeyStore {
  constructor(private readonly context: vscode.ExtensionContext) {}

  keyPairNames(): string[] {
    return this.context.globalState.get<string[]>(NAMES_KEY, []);
  }

  async storeKeyPair(name: string, pair: CurveKeyPair): Promise<void> {
    await this.context.secrets.store(PAIR_PREFIX + name, JSON.stringify(pair));
    const names = new Set(this.keyPairNames());
    names.add(name);
    await this.context.globalState.update(NAMES_KEY, [...names]);
  }

  async keyPair(name: string): Promise<CurveKeyPair> {
    const stored = await this.context.secrets.get(PAIR_PREFIX + name);
    if (!stored)
      throw new ZmqUserError(
        `No CURVE key pair named "${name}" in this VS Code's secret storage: run "ZeroMQ: Generate CURVE Key Pair" and name it "${name}".`,
      );
    return JSON.parse(stored) as CurveKeyPair;
  }

  async storePassword(name: string, password: string): Promise<void> {
    await this.context.secrets.store(PASSWORD_PREFIX + name, password);
  }

  async password(name: string): Promise<string> {
    const stored = await this.context.secrets.get(PASSWORD_PREFIX + name);
    if (stored === undefined)
      throw new ZmqUserError(
        `No password named "${name}" in this VS Code's secret storage: add the endpoint again from the palette to store it.`,
      );
    return stored;
  }

  /** Turns the settings' references into the keys and passwords a session needs. */
  async resolve(setting: EndpointSecurity): Promise<SessionSecurity> {
    switch (setting.mechanism) {
      case 'curve-client': {
        const pair = setting.keyPair ? await this.keyPair(setting.keyPair) : undefined;
        return { mechanism: 'curve-client', serverPublicKey: setting.serverPublicKey ?? '', ...(pair ?? {}) };
      }
      case 'curve-server': {
        if (!setting.keyPair)
          throw new ZmqUserError('A CURVE server needs "keyPair": the name of a key pair made with "ZeroMQ: Generate CURVE Key Pair".');
        return { mechanism: 'curve-server', ...(await this.keyPair(setting.keyPair)), allowedClientKeys: setting.allowedClientKeys };
      }
      case 'plain-client':
        return {
          mechanism: 'plain-client',
          username: setting.username ?? '',
          password: await this.password(setting.passwordName ?? setting.username ?? ''),
        };
      case 'plain-server':
        return {
          mechanism: 'plain-server',
          users: await Promise.all(
            (setting.users ?? []).map(async (username) => ({
              username,
              password: await this.password(`${setting.passwordName ?? 'server'}:${username}`),
            })),
          ),
        };
    }
  }
}

export function registerKeyCommands(keys: KeyStore): vscode.Disposable[] {
  return [
    registerCommand('zeromq.generateCurveKeyPair', async () => {
      const name = await vscode.window.showInputBox({
        ignoreFocusOut: true,
        title: 'Generate CURVE Key Pair',
        prompt: "A name for the pair (settings refer to it by this name; the secret key stays in VS Code's secret storage)",
        value: `key-${keys.keyPairNames().length + 1}`,
        validateInput: (v) => (/^[\w.-]{1,64}$/.test(v) ? undefined : 'Letters, digits, dots, dashes and underscores.'),
      });
      if (!name) return;
      const pair = generateCurveKeyPair();
      await keys.storeKeyPair(name, pair);
      await vscode.env.clipboard.writeText(pair.publicKey);
      const editor = vscode.window.activeTextEditor;
      const choice = await vscode.window.showInformationMessage(
        `ZeroMQ: CURVE key pair "${name}" made. Its public key (copied): ${pair.publicKey}. The secret key is in VS Code's secret storage only.`,
        ...(editor ? ['Insert Public Key'] : []),
      );
      if (choice === 'Insert Public Key' && editor) await editor.edit((edit) => edit.replace(editor.selection, pair.publicKey));
    }),
  ];
}
