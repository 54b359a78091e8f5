// The one input box for a ZeroMQ endpoint, validated as the user types.
import * as vscode from 'vscode';
import { parseEndpoint } from '../core/session/endpoint';

export async function inputAddress(mode: 'bind' | 'connect', value: string | undefined, title: string): Promise<string | undefined> {
  const text = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title,
    value: value ?? 'tcp://127.0.0.1:5555',
    prompt:
      mode === 'bind'
        ? 'tcp://*:5555, tcp://127.0.0.1:5555, ipc:///tmp/name.sock, inproc://name'
        : 'tcp://127.0.0.1:5555, ipc:///tmp/name.sock, inproc://name',
    validateInput: (input) => {
      const parsed = parseEndpoint(input, { mode });
      if (!parsed.ok) return { message: parsed.error, severity: vscode.InputBoxValidationSeverity.Error };
      if (parsed.endpoint.warning) return { message: parsed.endpoint.warning, severity: vscode.InputBoxValidationSeverity.Warning };
      return undefined;
    },
  });
  if (text === undefined) return undefined;
  const parsed = parseEndpoint(text, { mode });
  return parsed.ok ? parsed.endpoint.address : undefined;
}
