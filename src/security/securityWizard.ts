// The security step of "Add Endpoint…": NULL, CURVE (client or server) or PLAIN (client or server).
// Secrets go to SecretStorage at once; the endpoint definition only names them.
import * as vscode from 'vscode';
import type { EndpointSecurity } from '../core/session/endpointConfig';
import { generateCurveKeyPair, parseCurveKey, plainOverNetworkWarning } from '../core/security/security';
import type { KeyStore } from './keyStore';

function keyError(value: string, what: string): string | undefined {
  try {
    parseCurveKey(value, what);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

async function pickKeyPair(keys: KeyStore, purpose: string): Promise<string | undefined> {
  const items: Array<vscode.QuickPickItem & { name?: string }> = keys
    .keyPairNames()
    .map((name) => ({ label: name, description: 'stored key pair', name }));
  items.unshift({ label: '$(key) Generate a new key pair' });
  const picked = await vscode.window.showQuickPick(items, { ignoreFocusOut: true, placeHolder: `Key pair for ${purpose}` });
  if (!picked) return undefined;
  if (picked.name) return picked.name;
  const name = `key-${keys.keyPairNames().length + 1}`;
  const pair = generateCurveKeyPair();
  await keys.storeKeyPair(name, pair);
  await vscode.env.clipboard.writeText(pair.publicKey);
  void vscode.window.showInformationMessage(`ZeroMQ: key pair "${name}" made; its public key is copied: ${pair.publicKey}`);
  return name;
}

/** Returns null for NULL security, undefined when the user cancelled. */
export async function securityWizard(
  keys: KeyStore,
  address: string,
  mode: 'bind' | 'connect',
): Promise<EndpointSecurity | null | undefined> {
  const choices = [
    { label: 'None (NULL)', description: "no encryption, no authentication (ZeroMQ's default)", mechanism: undefined },
    { label: 'CURVE client', description: "encrypted; needs the server's public key", mechanism: 'curve-client' as const },
    {
      label: 'CURVE server',
      description: 'encrypted; clients need our public key; optional allow-list',
      mechanism: 'curve-server' as const,
    },
    { label: 'PLAIN client', description: 'user name and password, sent in clear', mechanism: 'plain-client' as const },
    { label: 'PLAIN server', description: 'checks user names and passwords (ZAP)', mechanism: 'plain-server' as const },
  ];
  const preferred = mode === 'bind' ? ['curve-server', 'plain-server'] : ['curve-client', 'plain-client'];
  const picked = await vscode.window.showQuickPick(
    choices.filter((c) => !c.mechanism || preferred.includes(c.mechanism)),
    { ignoreFocusOut: true, placeHolder: 'Security' },
  );
  if (!picked) return undefined;
  switch (picked.mechanism) {
    case undefined:
      return null;
    case 'curve-client': {
      const serverPublicKey = await vscode.window.showInputBox({
        ignoreFocusOut: true,
        title: "CURVE: the server's public key",
        prompt: '40 Z85 characters (or 64 hex digits)',
        validateInput: (v) => keyError(v, 'The server public key'),
      });
      if (!serverPublicKey) return undefined;
      const keyPair = await pickKeyPair(keys, "this client (give its public key to the server's allow-list)");
      if (!keyPair) return undefined;
      return { mechanism: 'curve-client', serverPublicKey: parseCurveKey(serverPublicKey, 'The server public key'), keyPair };
    }
    case 'curve-server': {
      const keyPair = await pickKeyPair(keys, 'this server (clients need its public key)');
      if (!keyPair) return undefined;
      const allowed = await vscode.window.showInputBox({
        ignoreFocusOut: true,
        title: 'CURVE: allowed client public keys',
        prompt: 'Comma separated; empty lets in any client that knows the server key (every attempt is logged)',
        validateInput: (v) =>
          v
            .split(',')
            .map((k) => k.trim())
            .filter(Boolean)
            .map((k) => keyError(k, 'A client key'))
            .find(Boolean),
      });
      if (allowed === undefined) return undefined;
      const allowedClientKeys = allowed
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean);
      return { mechanism: 'curve-server', keyPair, ...(allowedClientKeys.length ? { allowedClientKeys } : {}) };
    }
    case 'plain-client': {
      const warning = plainOverNetworkWarning(address, { mechanism: 'plain-client', username: 'x', password: 'x' });
      const username = await vscode.window.showInputBox({
        ignoreFocusOut: true,
        title: 'PLAIN: user name',
        prompt: warning,
        validateInput: (v) => (v && Buffer.byteLength(v) <= 255 ? undefined : 'A user name of 1 to 255 bytes.'),
      });
      if (!username) return undefined;
      const password = await vscode.window.showInputBox({
        ignoreFocusOut: true,
        title: `PLAIN: password for ${username}`,
        password: true,
        prompt: "Kept in VS Code's secret storage only",
        validateInput: (v) => (v && Buffer.byteLength(v) <= 255 ? undefined : 'A password of 1 to 255 bytes.'),
      });
      if (!password) return undefined;
      const passwordName = `${address}|${username}`;
      await keys.storePassword(passwordName, password);
      return { mechanism: 'plain-client', username, passwordName };
    }
    case 'plain-server': {
      const text = await vscode.window.showInputBox({
        ignoreFocusOut: true,
        title: 'PLAIN: users',
        prompt: "user:password pairs, comma separated (passwords go to VS Code's secret storage)",
        validateInput: (v) =>
          v.split(',').every((p) => /^[^:,]+:.+$/.test(p.trim())) ? undefined : 'Write user:password, user2:password2',
      });
      if (!text) return undefined;
      const passwordName = `server@${address}`;
      const users: string[] = [];
      for (const pair of text.split(',')) {
        const [username, ...rest] = pair.trim().split(':');
        await keys.storePassword(`${passwordName}:${username}`, rest.join(':'));
        users.push(username);
      }
      return { mechanism: 'plain-server', users, passwordName };
    }
  }
}
