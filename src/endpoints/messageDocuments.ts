// Read-only documents that show one message decoded, frame by frame (used by Send and Receive One).
import * as vscode from 'vscode';
import type { DecodeResult } from '../core/types';

export const MESSAGE_SCHEME = 'zeromq-message';
const KEPT_DOCUMENTS = 50;

export interface DisplayFrame {
  bytes: Uint8Array;
  label?: string;
  decoded: DecodeResult;
}

export class MessageDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private counter = 0;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(MESSAGE_SCHEME, this);

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.path) ?? 'This message is no longer kept; open the Message Inspector to find it in the capture.';
  }

  /** Opens a document titled `title` that shows the frames decoded. */
  async show(title: string, header: string[], frames: DisplayFrame[]): Promise<void> {
    const path = `/${++this.counter}-${title.replace(/[^\w.-]+/g, '-')}.txt`;
    this.contents.set(path, renderMessage(header, frames));
    while (this.contents.size > KEPT_DOCUMENTS) this.contents.delete(this.contents.keys().next().value!);
    const document = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: MESSAGE_SCHEME, path }));
    await vscode.window.showTextDocument(document, { preview: true, preserveFocus: false });
  }

  dispose(): void {
    this.registration.dispose();
    this.contents.clear();
  }
}

export function renderMessage(header: string[], frames: DisplayFrame[]): string {
  const lines = [...header, `${frames.length} frame${frames.length === 1 ? '' : 's'}`, ''];
  frames.forEach((frame, index) => {
    const decoded = frame.decoded;
    const label = frame.label ? ` (${frame.label})` : '';
    lines.push(`── frame ${index}${label} · ${frame.bytes.length} B · ${decoded.decoderId} ──`);
    if (decoded.ok) {
      if (decoded.warning) lines.push(`[${decoded.warning}]`);
      lines.push(decoded.text ?? decoded.summary);
    } else {
      lines.push(`[${decoded.error}]`);
    }
    lines.push('');
  });
  return lines.join('\n');
}
