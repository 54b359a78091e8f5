// Completion and hover for `.zmq` files. Completion reads the line and its enclosing block (socket types
// after `endpoint NAME`, steps under a scenario, frames and checks under a step, variables after `{{`).
// Hover on an endpoint probes it (the ZMTP greeting only, nothing sent) and says whether the pairing holds.
import * as vscode from 'vscode';
import type { ScenarioFile } from '../core/scenario/scenarioAst';
import { STEP_KEYWORDS } from '../core/scenario/scenarioParser';
import { tryExpand } from '../core/scenario/scenarioCheck';
import { LayeredScope } from '../core/scenario/scenarioVariables';
import { SOCKET_TYPES, checkPairing, parseSocketType } from '../core/session/socketTypes';
import { probeEndpoint, probeSummary, type ProbeResult } from '../core/zmtp/zmtpProbe';
import { SCENARIO_SELECTOR, environmentNames, type ScenarioDocuments } from './scenarioDocuments';

const STEP_DOCS: Record<string, string> = {
  send: 'send ENDPOINT [text ...]: send one message; frames on indented lines',
  receive: 'receive ENDPOINT [within 2s]: take the next message; checks on indented lines',
  expect: 'expect ENDPOINT [within 2s]: same as receive',
  request: 'request ENDPOINT [within 2s]: send the frames below, then check the reply',
  subscribe: 'subscribe ENDPOINT PREFIX: add a SUB subscription',
  unsubscribe: 'unsubscribe ENDPOINT PREFIX',
  wait: 'wait 500ms, or wait for ENDPOINT [within 5s] (until it is connected)',
  repeat: 'repeat N [every 100ms]: the indented steps, N times',
  generate: 'generate ENDPOINT rate 1000/s for 5s (or count N, burst N every 1s): templated traffic',
  replay: 'replay ENDPOINT capture.jsonl [speed 2x|max] [session NAME] [direction in|out]',
};
const ENDPOINT_OPTIONS = ['subscribe', 'routing-id', 'sndhwm', 'rcvhwm', 'linger', 'reconnect', 'security'];
const FRAME_KEYWORDS = ['text', 'json', 'hex', 'base64', 'file'];
const SUBJECTS = ['frames', 'topic', 'latency', 'frame[0]', 'frame[1]', 'size[0]', '$.', 'capture'];
const DYNAMIC = ['$seq', '$timestamp', '$isoTimestamp', '$uuid', '$random.int(1,100)'];

/** The first word of the nearest line above `line` indented less than `indent`. */
function parentKeyword(document: vscode.TextDocument, line: number, indent: number): { keyword: string; indent: number } | undefined {
  for (let i = line - 1; i >= 0 && line - i < 2000; i--) {
    const text = document.lineAt(i).text;
    const trimmed = text.trim();
    if (!trimmed || trimmed.startsWith('#') || trimmed.startsWith('//')) continue;
    const own = text.length - text.trimStart().length;
    if (own < indent) return { keyword: trimmed.split(/\s+/)[0], indent: own };
  }
  return undefined;
}

function items(labels: string[], kind: vscode.CompletionItemKind, detail?: (label: string) => string | undefined): vscode.CompletionItem[] {
  return labels.map((label) => {
    const item = new vscode.CompletionItem(label, kind);
    item.detail = detail?.(label);
    return item;
  });
}

export function provideScenarioCompletions(
  document: vscode.TextDocument,
  position: vscode.Position,
  file: ScenarioFile,
  envNames: Set<string>,
): vscode.CompletionItem[] {
  const before = document.lineAt(position.line).text.slice(0, position.character);
  const open = before.lastIndexOf('{{');
  if (open >= 0 && !before.slice(open).includes('}}')) {
    const captures = [...document.getText().matchAll(/^\s*capture\s+([A-Za-z_][\w.-]*)/gm)].map((m) => m[1]);
    const names = new Set([...file.variables.map((v) => v.name), ...envNames, ...captures]);
    return [...items([...names], vscode.CompletionItemKind.Variable), ...items(DYNAMIC, vscode.CompletionItemKind.Function)];
  }
  const indent = before.length - before.trimStart().length;
  const words = before.trimStart().split(/\s+/);
  const endpointNames = file.endpoints.map((e) => e.name);
  if (indent === 0) {
    if (words[0] === 'endpoint' && words.length === 3)
      return SOCKET_TYPES.map((t) =>
        Object.assign(new vscode.CompletionItem(t.name, vscode.CompletionItemKind.EnumMember), { detail: t.description }),
      );
    if (words[0] === 'endpoint' && words.length === 4) return items(['bind', 'connect'], vscode.CompletionItemKind.Keyword);
    if (words.length === 1) return items(['endpoint', 'scenario'], vscode.CompletionItemKind.Keyword);
    return [];
  }
  const parent = parentKeyword(document, position.line, indent);
  if (!parent) return [];
  if (parent.keyword === 'endpoint') {
    if (words[0] === 'security' && words.length === 2)
      return items(['curve-client', 'curve-server', 'plain-client', 'plain-server'], vscode.CompletionItemKind.EnumMember);
    return words.length === 1 ? items(ENDPOINT_OPTIONS, vscode.CompletionItemKind.Property) : [];
  }
  if (parent.keyword === 'scenario' || parent.keyword === 'repeat') {
    if (words.length === 1) return items([...STEP_KEYWORDS], vscode.CompletionItemKind.Keyword, (k) => STEP_DOCS[k]);
    if (words.length === 2 && words[0] === 'wait') return items(['for', '500ms', '1s'], vscode.CompletionItemKind.Keyword);
    if (words.length === 2 || (words[0] === 'wait' && words[1] === 'for' && words.length === 3)) {
      return endpointNames.map((name) => {
        const e = file.endpoints.find((x) => x.name === name)!;
        return Object.assign(new vscode.CompletionItem(name, vscode.CompletionItemKind.Reference), {
          detail: `${e.type} ${e.mode} ${e.address}`,
        });
      });
    }
    return [];
  }
  if (words.length !== 1) return [];
  if (parent.keyword === 'send' || parent.keyword === 'generate') return items(FRAME_KEYWORDS, vscode.CompletionItemKind.Keyword);
  if (parent.keyword === 'receive' || parent.keyword === 'expect') return items(SUBJECTS, vscode.CompletionItemKind.Field);
  if (parent.keyword === 'request')
    return [...items(FRAME_KEYWORDS, vscode.CompletionItemKind.Keyword), ...items(SUBJECTS, vscode.CompletionItemKind.Field)];
  return [];
}

/** Probe results by address, kept briefly so hovering twice does not connect twice. */
const probes = new Map<string, { at: number; result: Promise<ProbeResult> }>();

function probeCached(address: string): Promise<ProbeResult> {
  const cached = probes.get(address);
  if (cached && Date.now() - cached.at < 10_000) return cached.result;
  const result = probeEndpoint(address, { timeoutMs: 1500 });
  probes.set(address, { at: Date.now(), result });
  if (probes.size > 100) probes.delete(probes.keys().next().value!);
  return result;
}

export async function provideScenarioHover(
  document: vscode.TextDocument,
  position: vscode.Position,
  documents: ScenarioDocuments,
): Promise<vscode.Hover | undefined> {
  const file = documents.parse(document);
  const variables = documents.variables(document.uri, file);
  const scope = new LayeredScope(variables.layers);
  const line = position.line + 1;
  const text = document.lineAt(position.line).text;
  for (const match of text.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)) {
    if (position.character < match.index! || position.character > match.index! + match[0].length) continue;
    const value = tryExpand(match[0], scope);
    const md = new vscode.MarkdownString();
    md.appendText(
      value === undefined
        ? `${match[1]}: not defined here (a capture or a dynamic value is known only during a run)`
        : `${match[1]} = ${value.slice(0, 500)}`,
    );
    return new vscode.Hover(md);
  }
  const endpoint = file.endpoints.find((e) => e.line === line);
  if (!endpoint) return undefined;
  const address = tryExpand(endpoint.address, scope);
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${endpoint.name}**: `);
  md.appendText(`${endpoint.type} ${endpoint.mode} ${address ?? endpoint.address}`);
  if (!address || !address.startsWith('tcp://') || endpoint.mode === 'bind') {
    md.appendText(
      endpoint.mode === 'bind' ? ' (this scenario binds it: nothing to probe before a run)' : ' (only tcp:// endpoints can be probed)',
    );
    return new vscode.Hover(md);
  }
  const result = await probeCached(address);
  // The probe's words come from a peer: text only, never markdown.
  md.appendMarkdown('\n\n**Probe**: ');
  md.appendText(probeSummary(result).slice(0, 300));
  const peer = result.socketType ? parseSocketType(result.socketType) : undefined;
  if (peer) {
    const verdict = checkPairing(endpoint.type, peer);
    md.appendMarkdown(`\n\n${verdict.valid ? '✓' : '✗'} `);
    md.appendText(verdict.reason);
  } else if (result.kind !== 'zmtp3') {
    md.appendMarkdown('\n\n');
    md.appendText(result.explanation.slice(0, 300));
  }
  return new vscode.Hover(md, document.lineAt(position.line).range);
}

export function registerScenarioLanguage(documents: ScenarioDocuments): vscode.Disposable[] {
  return [
    vscode.languages.registerCompletionItemProvider(
      SCENARIO_SELECTOR,
      {
        provideCompletionItems(document, position) {
          const file = documents.parse(document);
          return provideScenarioCompletions(
            document,
            position,
            file,
            environmentNames(documents.variables(document.uri, file).environments),
          );
        },
      },
      ' ',
      '{',
    ),
    vscode.languages.registerHoverProvider(SCENARIO_SELECTOR, {
      provideHover: (document, position) => provideScenarioHover(document, position, documents),
    }),
  ];
}
