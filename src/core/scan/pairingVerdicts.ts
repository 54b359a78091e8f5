// Turns the sockets found across the workspace into one verdict per endpoint: who binds, who connects,
// and what is wrong or worth knowing (see endpointJudge.ts for the rules). Participants are grouped by
// address, inside each declared system (zeromq.topology.systems) or, for files in no system, across the
// workspace as unrelated programs. Endpoints the check cannot pair (computed at run time, ephemeral
// ports, not an endpoint) each get a verdict of their own.
//
// Programs: a file runs in its own process only when it is a program's entry point (ScanResult.program:
// a `main`, a Python `__main__` guard or top-level script, a Go `package main` folder...). Library
// files may run in any process.
import { parseEndpointAddress } from './endpointAddress';
import { judgeEndpoint, type Participant } from './endpointJudge';
import type {
  EndpointParticipant,
  EndpointVerdict,
  FindingCode,
  FindingSeverity,
  PairingFinding,
  ScanResult,
  SourceRange,
  VerdictStatus,
} from './scanTypes';
import type { TopologySystems } from './topologySystems';

export interface VerdictOptions {
  systems?: TopologySystems;
}

export function computeVerdicts(results: readonly ScanResult[], options: VerdictOptions = {}): EndpointVerdict[] {
  const names = displayNames(results.filter((r) => r.uses.length).map((r) => r.file));
  const where = (range: SourceRange) => `${names.get(range.file) ?? range.file}:${range.line + 1}`;
  const verdicts: EndpointVerdict[] = [];
  const groups = new Map<string, { key: string; system?: string; participants: Participant[] }>();

  for (const result of results) {
    const systems = options.systems?.systemsOf(result.file) ?? [];
    for (const use of result.uses) {
      const participant: EndpointParticipant = { action: use.action, endpoint: use.endpoint, range: use.range };
      if (use.socketType) participant.socketType = use.socketType;
      if (use.variable) participant.variable = use.variable;
      if (use.socketIndex !== undefined && result.sockets[use.socketIndex]) participant.socketRange = result.sockets[use.socketIndex].range;
      const at = where(use.range);
      if (!use.endpoint.resolved) {
        const { expression } = use.endpoint;
        if (use.endpoint.tooLong)
          verdicts.push(
            single(
              `${expression} (${at})`,
              expression,
              false,
              participant,
              'info',
              'not-an-endpoint',
              'The computed endpoint is longer than 1 KiB: not an endpoint.',
            ),
          );
        else
          verdicts.push(
            single(
              `? ${expression} (${at})`,
              expression,
              false,
              participant,
              'info',
              'unresolved-endpoint',
              `Endpoint computed at run time (${expression}): its pairing is not checked.`,
            ),
          );
        continue;
      }
      const { address: text } = use.endpoint;
      const address = parseEndpointAddress(text);
      if (!address) {
        verdicts.push(
          single(
            `${text} (${at})`,
            text,
            true,
            participant,
            'warning',
            'not-an-endpoint',
            `"${text}" is not a ZeroMQ endpoint: it needs a transport and an address, e.g. tcp://127.0.0.1:5555, ipc:///tmp/name or inproc://name.`,
          ),
        );
        continue;
      }
      if (address.ephemeral && use.action === 'bind') {
        verdicts.push(
          single(
            `${text} (${at})`,
            text,
            true,
            participant,
            'info',
            'ephemeral-port',
            `Binds an ephemeral port (${text}): peers must learn the port at run time (ZMQ_LAST_ENDPOINT), so its pairing is not checked.`,
          ),
        );
        continue;
      }
      const full: Participant = { ...participant, address, unit: result.program ?? result.file, entry: result.program !== undefined };
      for (const system of systems.length ? systems : [undefined]) {
        const id = `${system ?? ''}\0${address.key}`;
        const group = groups.get(id) ?? { key: address.key, system, participants: [] };
        group.participants.push(full);
        groups.set(id, group);
      }
    }
  }
  for (const { key, system, participants } of groups.values()) {
    participants.sort(byRange);
    const findings = collapseNotes(judgeEndpoint(participants, system !== undefined, where));
    const strip = ({ address: _a, unit: _u, entry: _e, ...rest }: Participant): EndpointParticipant => rest;
    verdicts.push({
      endpoint: system ? `${key} [${system}]` : key,
      label: key,
      ...(system ? { system } : {}),
      resolved: true,
      status: 'info',
      binders: participants.filter((p) => p.action === 'bind').map(strip),
      connectors: participants.filter((p) => p.action === 'connect').map(strip),
      findings,
    });
  }

  const seen = new Map<string, number>();
  for (const verdict of verdicts) {
    verdict.binders.sort(byRange);
    verdict.connectors.sort(byRange);
    verdict.findings.sort((a, b) => byRange(a, b) || compareText(a.code, b.code) || compareText(a.message, b.message));
    verdict.status = statusOf(verdict.findings);
    // Ids must be unique (the Pairings view registers each as a tree item id).
    const n = (seen.get(verdict.endpoint) ?? 0) + 1;
    seen.set(verdict.endpoint, n);
    if (n > 1) verdict.endpoint = `${verdict.endpoint} #${n}`;
  }
  return verdicts.sort((a, b) => compareText(a.endpoint, b.endpoint));
}

/** Notes kept per kind on one endpoint; the rest are counted in one more note (problems are all kept). */
const NOTES_KEPT = 3;
const MORE_NOTES: Partial<Record<FindingCode, string>> = {
  'valid-pairing': 'connectors reach a compatible binder',
  'req-rep-lockstep': 'REQ/REP pairs work in lock-step',
  'no-connector': 'binders have no connector in the workspace',
  'no-binder': 'connectors have no binder in the workspace',
  'unknown-types': 'pairings involve a socket of unknown type',
  'push-fan-out': 'PUSH sockets share their messages between several PULLs',
};

/**
 * An endpoint that many programs use would list one note per connector: keep the first few of each
 * kind and say how many more there are (the participants are all listed beside them in the view).
 */
function collapseNotes(findings: PairingFinding[]): PairingFinding[] {
  const byCode = new Map<FindingCode, PairingFinding[]>();
  for (const f of findings) {
    if (f.severity !== 'info') continue;
    const notes = byCode.get(f.code);
    if (notes) notes.push(f);
    else byCode.set(f.code, [f]);
  }
  const dropped = new Set<PairingFinding>();
  const summaries: PairingFinding[] = [];
  for (const [code, notes] of byCode) {
    if (notes.length <= NOTES_KEPT + 1) continue;
    const rest = notes.slice(NOTES_KEPT);
    for (const f of rest) dropped.add(f);
    summaries.push({ ...rest[0], related: [], message: `${rest.length} more ${MORE_NOTES[code] ?? `notes of this kind (${code})`}.` });
  }
  return dropped.size ? [...findings.filter((f) => !dropped.has(f)), ...summaries] : findings;
}

function statusOf(findings: PairingFinding[]): VerdictStatus {
  if (findings.some((f) => f.severity === 'error')) return 'error';
  if (findings.some((f) => f.severity === 'warning')) return 'warning';
  if (findings.some((f) => f.code === 'valid-pairing')) return 'valid';
  if (findings.some((f) => f.code === 'unknown-types' || f.code === 'unresolved-endpoint')) return 'unknown';
  return 'info';
}

function single(
  endpoint: string,
  label: string,
  resolved: boolean,
  p: EndpointParticipant,
  severity: FindingSeverity,
  code: FindingCode,
  message: string,
): EndpointVerdict {
  return {
    endpoint,
    label,
    resolved,
    status: 'info',
    binders: p.action === 'bind' ? [p] : [],
    connectors: p.action === 'connect' ? [p] : [],
    findings: [{ severity, code, range: p.range, message, related: [] }],
  };
}

/** Code-unit order: stable across locales (localeCompare is not, and is slow). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byRange(a: { range: SourceRange }, b: { range: SourceRange }): number {
  const x = a.range;
  const y = b.range;
  return compareText(x.file, y.file) || x.line - y.line || x.character - y.character;
}

/** Short names for messages: the file name, or its last two path segments when two files share a name. */
function displayNames(files: string[]): Map<string, string> {
  const segmentsOf = (f: string) => f.split(/[\\/]/).filter(Boolean);
  const count = new Map<string, number>();
  for (const f of new Set(files)) {
    const base = segmentsOf(f).pop() ?? f;
    count.set(base, (count.get(base) ?? 0) + 1);
  }
  const names = new Map<string, string>();
  for (const f of files) {
    const segments = segmentsOf(f);
    const base = segments[segments.length - 1] ?? f;
    names.set(f, (count.get(base) ?? 0) > 1 ? segments.slice(-2).join('/') : base);
  }
  return names;
}
