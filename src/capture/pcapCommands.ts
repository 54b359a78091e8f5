// "ZeroMQ: Open Packet Capture…": a tcpdump/Wireshark file's ZeroMQ traffic into the capture store, read
// by the engine (the file is hostile input) with progress and cancel, one imported session per TCP connection.
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { PcapImportResult } from '../core/pcap/pcapImport';
import type { PcapStreamReport } from '../core/pcap/pcapConnection';
import { withEngineProgress } from '../commands/engineProgress';
import { registerCommand } from '../commands/runCommand';
import type { EngineClient } from '../engine/engineClient';

/** The read runs at disk speed; the timeout only catches an engine that stopped answering. */
const READ_TIMEOUT_MS = 6 * 3600 * 1000;

const SHOW_LOG = 'Show Log';
const OPEN_INSPECTOR = 'Open Inspector';

export function registerPcapCommands(engine: EngineClient, maxFrameBytes: () => number, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return [registerCommand('zeromq.openPacketCapture', (uri?: vscode.Uri) => openPacketCapture(engine, maxFrameBytes(), log, uri))];
}

async function openPacketCapture(
  engine: EngineClient,
  maxFrameBytes: number,
  log: vscode.LogOutputChannel,
  given: vscode.Uri | undefined,
): Promise<void> {
  const uri =
    given ??
    (
      await vscode.window.showOpenDialog({
        filters: { 'Packet captures': ['pcap', 'pcapng', 'cap', 'dmp'], 'All files': ['*'] },
        canSelectMany: false,
        openLabel: 'Open Capture',
      })
    )?.[0];
  if (!uri) return;
  const path = uri.fsPath;
  const name = basename(path);
  const result = await withEngineProgress(`ZeroMQ: reading ${name}`, (tracking) =>
    engine.call('capture.importPcap', { path, tag: name, maxFrameBytes }, { ...tracking, timeoutMs: READ_TIMEOUT_MS }),
  );
  logReport(log, path, result);
  const summary = summarize(result);
  if (result.error && result.imported === 0) throw new Error(`${name}: ${result.error}`);
  const warn = result.error || result.gaps || result.cancelled || result.zmtpStreams === 0;
  const choice = await vscode.window[warn ? 'showWarningMessage' : 'showInformationMessage'](
    `ZeroMQ: ${name}: ${summary}`,
    ...(result.imported ? [OPEN_INSPECTOR] : []),
    SHOW_LOG,
  );
  if (choice === SHOW_LOG) log.show();
  if (choice === OPEN_INSPECTOR) await vscode.commands.executeCommand('zeromq.openInspector');
}

/** One line for the notification: what was imported, and what was not. */
export function summarize(result: PcapImportResult & { cancelled: boolean }): string {
  const n = (value: number, one: string, many = `${one}s`) => `${value.toLocaleString('en-US')} ${value === 1 ? one : many}`;
  const parts = [
    `${result.cancelled ? 'cancelled after importing' : 'imported'} ${n(result.imported, 'message')} from ${n(result.zmtpStreams, 'ZeroMQ connection')}`,
  ];
  if (result.encryptedMessages) parts.push(`${n(result.encryptedMessages, 'encrypted frame')} (CURVE: content not readable)`);
  if (result.otherStreams) parts.push(`${n(result.otherStreams, 'other TCP connection')} skipped`);
  if (result.gaps) parts.push(`${n(result.gaps, 'gap')} where the capture missed ${n(result.gapBytes, 'byte')}`);
  if (result.error) parts.push(`stopped: ${result.error}`);
  if (result.truncatedFileBytes) parts.push('the file ends inside a packet');
  return parts.join('; ') + '.';
}

function logReport(log: vscode.LogOutputChannel, path: string, result: PcapImportResult & { cancelled: boolean }): void {
  log.info(
    `Packet capture ${path} (${result.format ?? 'unknown format'}): ${result.packets} packets, ${result.tcpPackets} TCP; ${summarize(result)}`,
  );
  const skipped = Object.entries(result.skippedPackets);
  if (skipped.length) log.info(`  packets without TCP: ${skipped.map(([why, count]) => `${count} (${why})`).join(', ')}`);
  for (const stream of result.streams) log.info(`  ${describeStream(stream)}`);
  if (result.zmtpStreams > result.streams.length)
    log.info(`  ... and ${result.zmtpStreams - result.streams.length} more ZeroMQ connections`);
}

function describeStream(s: PcapStreamReport): string {
  const side = (type?: string, address?: string, identity?: string) => `${type ?? '?'} ${address}${identity ? ` "${identity}"` : ''}`;
  const facts = [
    `ZMTP ${s.version ?? '?'} ${s.mechanism ?? ''}`.trim(),
    `${s.messagesFromClient}/${s.messagesFromServer} messages (client/server)`,
    s.encrypted ? `encrypted; handshake ${[...s.clientCommands, ...s.serverCommands].join(', ')}` : '',
    s.plainUser ? `PLAIN user "${s.plainUser}"` : '',
    s.startedMidStream ? 'capture started mid-stream' : '',
    s.resyncs ? `${s.resyncs} resync(s), ${s.partialMessages} partial message(s) dropped` : '',
    s.gaps ? `${s.gaps} gap(s), ${s.gapBytes} bytes missing` : '',
    s.retransmittedBytes ? `${s.retransmittedBytes} bytes retransmitted` : '',
    s.incompleteAtEnd ? 'ends inside a message' : '',
    ...s.problems,
  ].filter(Boolean);
  return `${side(s.clientSocketType, s.client, s.clientIdentity)} -> ${side(s.serverSocketType, s.server, s.serverIdentity)}: ${facts.join('; ')}`;
}
