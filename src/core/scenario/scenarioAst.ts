// The parsed form of a `.zmq` scenario file: endpoints, variables and scenarios of steps. Every node
// knows its line and column (1-based) so that errors, CodeLens, decorations and test items point at it.
import type { EndpointSecurity } from '../session/endpointConfig';
import type { SocketTypeName } from '../types';

export interface SourceSpan {
  /** 1-based line of the node's first character. */
  line: number;
  /** 1-based column of the node's first character. */
  column: number;
  /** 1-based line of the block's last line (the node's own line when it has no children). */
  endLine: number;
}

export interface ScenarioProblem {
  line: number;
  column: number;
  /** Exclusive end column on the same line (at least column + 1). */
  endColumn: number;
  message: string;
  severity: 'error' | 'warning';
}

/** `@name = value`: a file variable (a default: environments and captures override it). */
export interface VariableDef extends SourceSpan {
  name: string;
  /** Template text: may refer to other variables. */
  value: string;
}

export interface EndpointDef extends SourceSpan {
  name: string;
  type: SocketTypeName;
  mode: 'bind' | 'connect';
  /** Template text, e.g. `tcp://{{host}}:5557`. */
  address: string;
  /** SUB/XSUB prefixes (templates; `hex:...` for bytes). */
  subscriptions: string[];
  routingId?: string;
  sendHighWaterMark?: number;
  receiveHighWaterMark?: number;
  linger?: number;
  reconnectIntervalMs?: number;
  /** Keys and passwords by name, resolved by the host (VS Code secret storage, or the CLI's environment). */
  security?: EndpointSecurity;
}

export type FrameFormat = 'text' | 'json' | 'hex' | 'base64' | 'file';

export interface FrameSpec extends SourceSpan {
  format: FrameFormat;
  /** Template text (a path for `file`, relative to the scenario file). */
  value: string;
}

export type AssertionSubject =
  | { kind: 'frames' }
  | { kind: 'topic' }
  | { kind: 'latency' }
  /** The frame's text, or with `path` the JSON value at that path. Negative index counts from the end. */
  | { kind: 'frame'; index: number; path?: string }
  | { kind: 'size'; index: number };

export type AssertionOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'matches' | 'contains' | 'startsWith' | 'exists';

/**
 * An expected value as written. `raw` keeps the template; its kind decides how it compares:
 * json (a JSON literal), text (bare words), regex (/.../flags), hex (hex:0a0b), duration (500ms).
 */
export interface ExpectedValue {
  kind: 'json' | 'text' | 'regex' | 'hex' | 'duration';
  raw: string;
}

export interface Assertion extends SourceSpan {
  subject: AssertionSubject;
  op: AssertionOp;
  expected?: ExpectedValue;
  /** The assertion as written, for reports. */
  text: string;
}

/** `capture name = subject`: a value of the received message kept as a variable for later steps. */
export interface CaptureDef extends SourceSpan {
  name: string;
  subject: AssertionSubject;
}

interface StepBase extends SourceSpan {
  /** The step's first line as written (trimmed), for reports and test names. */
  text: string;
}

export interface SendStep extends StepBase {
  kind: 'send';
  endpoint: string;
  frames: FrameSpec[];
}

export interface ReceiveStep extends StepBase {
  kind: 'receive';
  /** How the step was written: both mean the same. */
  keyword: 'receive' | 'expect';
  endpoint: string;
  timeoutMs?: number;
  assertions: Assertion[];
  captures: CaptureDef[];
}

export interface RequestStep extends StepBase {
  kind: 'request';
  endpoint: string;
  timeoutMs?: number;
  frames: FrameSpec[];
  assertions: Assertion[];
  captures: CaptureDef[];
}

export interface SubscribeStep extends StepBase {
  kind: 'subscribe' | 'unsubscribe';
  endpoint: string;
  prefix: string;
}

export interface WaitStep extends StepBase {
  kind: 'wait';
  durationMs: number;
}

/** `wait for NAME [within D]`: until the endpoint has a live connection. */
export interface WaitForStep extends StepBase {
  kind: 'waitFor';
  endpoint: string;
  timeoutMs?: number;
}

export interface RepeatStep extends StepBase {
  kind: 'repeat';
  count: number;
  everyMs?: number;
  steps: Step[];
}

export interface GenerateStep extends StepBase {
  kind: 'generate';
  endpoint: string;
  /** Messages per second (absent: as fast as possible). */
  rate?: number;
  durationMs?: number;
  count?: number;
  /** `burst N every D`: N messages at once, every D. */
  burst?: { size: number; everyMs: number };
  frames: FrameSpec[];
}

export interface ReplayStep extends StepBase {
  kind: 'replay';
  endpoint: string;
  /** A JSON Lines capture file (Export Capture, or `record`), relative to the scenario file. */
  file: string;
  /** Timing factor: 2 plays twice as fast; absent means original timing (1); 'max' as fast as possible. */
  speed: number | 'max';
  /** Only messages of the session with this name (or id) in the file. */
  session?: string;
  /** Only messages of this direction (default: all). */
  direction?: 'in' | 'out';
}

export type Step = SendStep | ReceiveStep | RequestStep | SubscribeStep | WaitStep | WaitForStep | RepeatStep | GenerateStep | ReplayStep;

export interface ScenarioDef extends SourceSpan {
  name: string;
  steps: Step[];
}

export interface ScenarioFile {
  variables: VariableDef[];
  endpoints: EndpointDef[];
  scenarios: ScenarioDef[];
  /** Syntax errors: the file's other parts are still parsed. */
  problems: ScenarioProblem[];
}
