// Contracts of the workspace scan: sockets and bind/connect calls found in source files, and the
// per-endpoint pairing verdicts computed from them. Plain data, so the shell can turn them into
// Diagnostics (with relatedInformation) and tree items without knowing how they were found.
import type { SocketTypeName } from '../types';

export type ScanLanguage = 'python' | 'c' | 'cpp' | 'javascript' | 'typescript' | 'go' | 'java' | 'csharp' | 'rust';

/** A span in one file. Lines and characters are 0-based UTF-16 offsets, as in vscode.Range. */
export interface SourceRange {
  file: string;
  line: number;
  character: number;
  endLine: number;
  endCharacter: number;
}

/**
 * An endpoint argument: its value when the scanner could compute it, else the source text. Never guessed.
 * `tooLong`: the value was computable but longer than 1 KiB, so it is not an endpoint.
 */
export type EndpointValue = { resolved: true; address: string } | { resolved: false; expression: string; tooLong?: true };

export interface ScannedSocket {
  type: SocketTypeName;
  /** The variable (or attribute chain such as `self.sock`) that holds the socket, when there is one. */
  variable?: string;
  /** The creation expression (`ctx.socket(zmq.PUB)`, `new zmq.Publisher()`, ...). */
  range: SourceRange;
}

export type EndpointAction = 'bind' | 'connect';

export interface ScannedEndpointUse {
  action: EndpointAction;
  endpoint: EndpointValue;
  /** Index into ScanResult.sockets of the socket doing it, when the scanner could tell. */
  socketIndex?: number;
  /** Type of that socket (copied for convenience). */
  socketType?: SocketTypeName;
  /** The receiver as written (`sock`, `self.pub`), when there is one. */
  variable?: string;
  /** The endpoint argument. */
  range: SourceRange;
}

export interface ScanResult {
  file: string;
  language?: ScanLanguage;
  sockets: ScannedSocket[];
  uses: ScannedEndpointUse[];
  /**
   * Set when the file is a program's entry point (a `main`): names the program, so two files with
   * different program ids run as different processes. Go files of `package main` in one folder share
   * an id (the folder). Undefined for library files, which may run in any process.
   */
  program?: string;
  /** Set when the file was not scanned (over its time/step budget, or the scanner failed on it): why. */
  skipped?: string;
  /** Other files whose constants the endpoints were computed from: a change to one of them rescans this file. */
  dependencies?: string[];
}

export type FindingSeverity = 'error' | 'warning' | 'info';

export type FindingCode =
  | 'valid-pairing'
  | 'incompatible-types'
  | 'double-bind'
  | 'no-binder'
  | 'no-connector'
  | 'push-fan-out'
  | 'req-rep-lockstep'
  | 'inproc-across-processes'
  | 'ipv6-to-ipv4'
  | 'ephemeral-port'
  | 'unresolved-endpoint'
  | 'not-an-endpoint'
  | 'ambiguous-endpoint'
  | 'unknown-types';

export interface RelatedLocation {
  range: SourceRange;
  message: string;
}

export interface PairingFinding {
  severity: FindingSeverity;
  code: FindingCode;
  /** Where the shell shows it. */
  range: SourceRange;
  message: string;
  /** The other side(s): the binder for a connector's finding, the connectors for a binder's, ... */
  related: RelatedLocation[];
}

export interface EndpointParticipant {
  action: EndpointAction;
  socketType?: SocketTypeName;
  variable?: string;
  /** The endpoint as the code resolves it, or the unresolved expression. */
  endpoint: EndpointValue;
  range: SourceRange;
  /** Where the socket was created, when known. */
  socketRange?: SourceRange;
}

/**
 * What the Pairings view shows for an endpoint: a problem (error, warning), a pairing checked valid,
 * a pairing whose socket types are not known (unknown: never shown as valid), or only notes (info).
 */
export type VerdictStatus = 'error' | 'warning' | 'valid' | 'unknown' | 'info';

export interface EndpointVerdict {
  /**
   * Unique among the verdicts of one computation: a normalized address (see endpointAddress.ts: TCP
   * groups by port), suffixed with the system (` [name]`) when systems are declared; for an endpoint
   * that is checked alone (unresolved, ephemeral, not an endpoint), the address or expression plus its
   * file and line.
   */
  endpoint: string;
  /** The address as a user reads it (without the system or file suffix). */
  label: string;
  /** The declared system (zeromq.topology.systems) this verdict belongs to, if any. */
  system?: string;
  resolved: boolean;
  status: VerdictStatus;
  binders: EndpointParticipant[];
  connectors: EndpointParticipant[];
  findings: PairingFinding[];
}
