// Finds ZeroMQ sockets and their bind/connect calls in one source file (Python, C, C++, JS/TS, Go,
// Java, C#, Rust), with the endpoint each call uses, computed when the file says what it is.
//
// Why a tokenizer and not tree-sitter: what we look for are call shapes (`ctx.socket(zmq.PUB)`,
// `zmq_bind(s, ep)`, `new zmq.Publisher()`, `sock.Bind(...)`) plus same-file constants, which a
// per-language tokenizer that strips comments and decodes strings finds reliably. Tree-sitter would
// mean nine WASM grammars (several MB in the VSIX), an async WASM start before the first scan, and
// grammar/runtime version pinning, for parse trees we would only walk for these same shapes. The
// tokenizer is synchronous, dependency-free, and fast enough to scan a 10,000-file workspace on open.
import type { SocketTypeName } from '../types';
import { ConstantEvaluator } from './constantEvaluator';
import { mightUseZeroMQ, languageOfFile } from './scannableFiles';
import type { EndpointAction, EndpointValue, ScanLanguage, ScanResult, ScannedEndpointUse, ScannedSocket, SourceRange } from './scanTypes';
import { matchBrackets, tokenize, type Token } from './sourceLexer';

const SOCKET_TYPE_NAMES = new Set<string>([
  'PAIR',
  'PUB',
  'SUB',
  'REQ',
  'REP',
  'DEALER',
  'ROUTER',
  'PULL',
  'PUSH',
  'XPUB',
  'XSUB',
  'STREAM',
]);
const LEGACY_TYPE_NAMES: Record<string, SocketTypeName> = { XREQ: 'DEALER', XREP: 'ROUTER' };

/** zeromq.js v6 classes. */
const JS_CLASSES: Record<string, SocketTypeName> = {
  Publisher: 'PUB',
  Subscriber: 'SUB',
  XPublisher: 'XPUB',
  XSubscriber: 'XSUB',
  Request: 'REQ',
  Reply: 'REP',
  Dealer: 'DEALER',
  Router: 'ROUTER',
  Push: 'PUSH',
  Pull: 'PULL',
  Pair: 'PAIR',
  Stream: 'STREAM',
};
/** NetMQ classes, with what a connection string without `@`/`>` does (NetMQ's DefaultAction). */
const NETMQ_CLASSES: Record<string, [SocketTypeName, EndpointAction]> = {
  PublisherSocket: ['PUB', 'bind'],
  XPublisherSocket: ['XPUB', 'bind'],
  SubscriberSocket: ['SUB', 'connect'],
  XSubscriberSocket: ['XSUB', 'connect'],
  RequestSocket: ['REQ', 'connect'],
  ResponseSocket: ['REP', 'bind'],
  DealerSocket: ['DEALER', 'connect'],
  RouterSocket: ['ROUTER', 'bind'],
  PushSocket: ['PUSH', 'connect'],
  PullSocket: ['PULL', 'bind'],
  PairSocket: ['PAIR', 'connect'],
  StreamSocket: ['STREAM', 'connect'],
};
/** go-zeromq/zmq4 constructors. */
const GO_ZEROMQ_CONSTRUCTORS: Record<string, SocketTypeName> = {
  NewPub: 'PUB',
  NewSub: 'SUB',
  NewXPub: 'XPUB',
  NewXSub: 'XSUB',
  NewReq: 'REQ',
  NewRep: 'REP',
  NewDealer: 'DEALER',
  NewRouter: 'ROUTER',
  NewPush: 'PUSH',
  NewPull: 'PULL',
  NewPair: 'PAIR',
};
/** zeromq.js v5 `zmq.socket('pub')`. */
const JS_V5_TYPES: Record<string, SocketTypeName> = {
  pub: 'PUB',
  sub: 'SUB',
  xpub: 'XPUB',
  xsub: 'XSUB',
  req: 'REQ',
  rep: 'REP',
  xreq: 'DEALER',
  xrep: 'ROUTER',
  dealer: 'DEALER',
  router: 'ROUTER',
  push: 'PUSH',
  pull: 'PULL',
  pair: 'PAIR',
  stream: 'STREAM',
};

/** Functions/methods that create a socket from a type argument, per language. */
const CREATE_CALLS: Record<ScanLanguage, ReadonlySet<string>> = {
  python: new Set(['socket', 'Socket']),
  c: new Set(['zmq_socket']),
  cpp: new Set(['zmq_socket', 'socket_t']),
  javascript: new Set(['socket', 'createSocket']),
  typescript: new Set(['socket', 'createSocket']),
  go: new Set(['NewSocket']),
  java: new Set(['createSocket', 'socket']),
  csharp: new Set(),
  rust: new Set(['socket']),
};
const BIND_METHODS: Record<ScanLanguage, Record<string, EndpointAction>> = {
  python: { bind: 'bind', connect: 'connect' },
  c: {},
  cpp: { bind: 'bind', connect: 'connect' },
  javascript: { bind: 'bind', connect: 'connect', bindSync: 'bind' },
  typescript: { bind: 'bind', connect: 'connect', bindSync: 'bind' },
  go: { Bind: 'bind', Connect: 'connect', Listen: 'bind', Dial: 'connect' },
  java: { bind: 'bind', connect: 'connect' },
  csharp: { Bind: 'bind', Connect: 'connect' },
  rust: { bind: 'bind', connect: 'connect' },
};
const C_FUNCTIONS: Record<string, EndpointAction> = { zmq_bind: 'bind', zmq_connect: 'connect' };

/** An endpoint is worth reporting from an unknown receiver only if it names a ZeroMQ transport. */
const ZEROMQ_ADDRESS = /^(tcp|ipc|inproc|pgm|epgm|norm|ws|wss|tipc|vmci|udp):\/\//;

export function scanSource(path: string, text: string): ScanResult {
  const language = languageOfFile(path);
  const result: ScanResult = { file: path, language, sockets: [], uses: [] };
  if (!language || !mightUseZeroMQ(text)) return result;
  return new SourceScan(path, text, language, result).run();
}

class SourceScan {
  private readonly tokens: Token[];
  private readonly match: Int32Array;
  private readonly constants: ConstantEvaluator;
  private lineStarts: number[] | undefined;
  /** Closing-paren index of a creation call → socket index (for `ctx.socket(zmq.PUB).bind(...)`). */
  private readonly socketByCallEnd = new Map<number, number>();
  private readonly pendingUses: Array<{ use: ScannedEndpointUse; offset: number; chainedSocket?: number; requireAddress: boolean }> = [];

  constructor(
    private readonly path: string,
    private readonly text: string,
    private readonly language: ScanLanguage,
    private readonly result: ScanResult,
  ) {
    this.tokens = tokenize(text, language);
    this.match = matchBrackets(this.tokens);
    this.constants = new ConstantEvaluator(this.tokens, this.match, language);
  }

  run(): ScanResult {
    const t = this.tokens;
    const creators = CREATE_CALLS[this.language];
    const methods = BIND_METHODS[this.language];
    const isC = this.language === 'c' || this.language === 'cpp';
    for (let i = 0; i < t.length; i++) {
      const tok = t[i];
      if (tok.kind !== 'ident') continue;
      const next = t[i + 1];
      if (tok.text === 'new' && (this.language === 'javascript' || this.language === 'typescript' || this.language === 'csharp')) {
        this.matchConstructor(i);
        continue;
      }
      if (!next || (next.text !== '(' && next.text !== '{')) continue;
      if (next.text === '(' && creators.has(tok.text)) this.matchCreateCall(i);
      else if (this.language === 'cpp' && t[i - 1]?.text === 'socket_t') this.matchCreateCall(i, tok.text);
      else if (this.language === 'go' && next.text === '(' && GO_ZEROMQ_CONSTRUCTORS[tok.text])
        this.addSocket(GO_ZEROMQ_CONSTRUCTORS[tok.text], i, this.callStart(i), this.match[i + 1]);
      else if (next.text === '(' && isC && C_FUNCTIONS[tok.text]) this.matchCFunction(i, C_FUNCTIONS[tok.text]);
      else if (next.text === '(' && methods[tok.text] && (t[i - 1]?.text === '.' || t[i - 1]?.text === '->'))
        this.matchMethodUse(i, methods[tok.text]);
    }
    this.linkUses();
    this.result.program = this.entryPoint();
    return this.result;
  }

  // ---- sockets ----

  private matchCreateCall(callee: number, declaredName?: string): void {
    const open = callee + 1;
    const close = this.match[open];
    if (close < 0) return;
    const args = this.constants.splitArguments(this.tokens, open, close);
    let type: SocketTypeName | undefined;
    for (const [a, b] of args) if ((type = this.socketTypeOfArgument(a, b))) break;
    if (!type) return;
    const start = declaredName ? callee - 1 : this.callStart(callee);
    this.addSocket(type, callee, declaredName && this.tokens[start - 1]?.text === '::' ? start - 2 : start, close, declaredName);
  }

  private matchConstructor(newIndex: number): void {
    const t = this.tokens;
    let i = newIndex + 1;
    while (t[i + 1] && (t[i + 1].text === '.' || t[i + 1].text === '::') && t[i + 2]?.kind === 'ident') i += 2;
    const name = t[i];
    const open = i + 1;
    if (name?.kind !== 'ident' || t[open]?.text !== '(') return;
    const close = this.match[open];
    if (close < 0) return;
    if (this.language === 'csharp') {
      const netmq = NETMQ_CLASSES[name.text];
      if (!netmq) return;
      const socketIndex = this.addSocket(netmq[0], i, newIndex, close);
      const args = this.constants.splitArguments(t, open, close);
      if (args.length && args[0][1] > args[0][0]) this.addConnectionString(socketIndex, netmq[1], args[0]);
      return;
    }
    const type = JS_CLASSES[name.text];
    if (type) this.addSocket(type, i, newIndex, close);
  }

  /** NetMQ `"@tcp://*:5555,>tcp://host:5556"`: `@` binds, `>` connects, no prefix does the default. */
  private addConnectionString(socketIndex: number, defaultAction: EndpointAction, [a, b]: [number, number]): void {
    const socket = this.result.sockets[socketIndex];
    const value = this.constants.evaluateRange(a, b);
    const range = this.range(this.tokens[a].start, this.tokens[b - 1].end);
    const base = { socketIndex, socketType: socket.type, variable: socket.variable, range };
    if (typeof value !== 'string') {
      this.result.uses.push({ ...base, action: defaultAction, endpoint: { resolved: false, expression: this.expressionText(a, b) } });
      return;
    }
    for (const piece of value
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const action = piece[0] === '@' ? 'bind' : piece[0] === '>' ? 'connect' : defaultAction;
      const address = piece[0] === '@' || piece[0] === '>' ? piece.slice(1) : piece;
      this.result.uses.push({ ...base, action, endpoint: { resolved: true, address } });
    }
  }

  private socketTypeOfArgument(a: number, b: number): SocketTypeName | undefined {
    const t = this.tokens;
    if (b - a === 1 && t[a].kind === 'string' && (this.language === 'javascript' || this.language === 'typescript'))
      return JS_V5_TYPES[t[a].value!];
    const chain = this.constants.chainText(t, a, b);
    if (!chain) return undefined;
    const segments = chain.split('.');
    let last = segments[segments.length - 1];
    if (this.language === 'cpp' && segments[segments.length - 2] === 'socket_type') last = last.toUpperCase();
    if (this.language === 'c' || this.language === 'cpp') {
      if (last.startsWith('ZMQ_')) last = last.slice(4);
      else if (segments[segments.length - 2] !== 'socket_type') return undefined;
    }
    if (SOCKET_TYPE_NAMES.has(last)) return last as SocketTypeName;
    return LEGACY_TYPE_NAMES[last];
  }

  /** Index of the first token of the expression whose call is at `callee` (`zmq.Context().socket`). */
  private callStart(callee: number): number {
    const t = this.tokens;
    let start = callee;
    for (;;) {
      const sep = t[start - 1]?.text;
      if (sep !== '.' && sep !== '::' && sep !== '->') break;
      const before = t[start - 2];
      if (before?.kind === 'ident') {
        start -= 2;
        continue;
      }
      if (before?.text === ')' && this.match[start - 2] > 0) {
        const open = this.match[start - 2];
        start = t[open - 1]?.kind === 'ident' ? open - 1 : open;
        continue;
      }
      break;
    }
    return start;
  }

  private addSocket(type: SocketTypeName, callee: number, start: number, close: number, declaredName?: string): number {
    const t = this.tokens;
    let variable = declaredName;
    if (!variable) {
      let k = start - 1;
      while (k >= 0 && (t[k].text === 'await' || t[k].text === 'new')) k--;
      if (t[k]?.text === '=' || t[k]?.text === ':=') variable = this.constants.assignmentTargets(k)[0];
      else if (t[close + 1]?.text === 'as' && t[close + 2]?.kind === 'ident') variable = t[close + 2].text;
    }
    const socket: ScannedSocket = { type, range: this.range(t[start].start, t[Math.max(close, callee)].end) };
    if (variable) socket.variable = variable;
    this.result.sockets.push(socket);
    const index = this.result.sockets.length - 1;
    if (close > 0) this.socketByCallEnd.set(close, index);
    return index;
  }

  // ---- bind / connect ----

  private matchCFunction(callee: number, action: EndpointAction): void {
    const args = this.constants.splitArguments(this.tokens, callee + 1, this.match[callee + 1]);
    if (args.length < 2 || args[1][1] <= args[1][0]) return;
    const variable = this.constants.chainText(this.tokens, args[0][0], args[0][1]);
    this.addUse(action, args[1], variable, undefined, false);
  }

  private matchMethodUse(method: number, action: EndpointAction): void {
    const t = this.tokens;
    const args = this.constants.splitArguments(t, method + 1, this.match[method + 1]);
    if (!args.length || args[0][1] <= args[0][0]) return;
    const receiverEnd = method - 2;
    let variable: string | undefined;
    let chained: number | undefined;
    if (t[receiverEnd]?.text === ')') chained = this.socketByCallEnd.get(receiverEnd);
    else {
      const receiver = this.constants.chainBackward(receiverEnd);
      if (receiver) variable = receiver.text;
    }
    this.addUse(action, args[0], variable, chained, true);
  }

  private addUse(
    action: EndpointAction,
    [a, b]: [number, number],
    variable: string | undefined,
    chainedSocket: number | undefined,
    requireAddress: boolean,
  ): void {
    const t = this.tokens;
    const value = this.constants.evaluateRange(a, b);
    const endpoint: EndpointValue =
      typeof value === 'string' ? { resolved: true, address: value } : { resolved: false, expression: this.expressionText(a, b) };
    const use: ScannedEndpointUse = { action, endpoint, range: this.range(t[a].start, t[b - 1].end) };
    if (variable) use.variable = variable;
    this.pendingUses.push({ use, offset: t[a].start, chainedSocket, requireAddress });
  }

  /** Ties each call to the socket its receiver names: the nearest creation before it, else the first after. */
  private linkUses(): void {
    const sockets = this.result.sockets;
    const offsets = sockets.map((s) => this.offsetOf(s.range));
    for (const { use, offset, chainedSocket, requireAddress } of this.pendingUses) {
      let index = chainedSocket;
      if (index === undefined && use.variable) {
        for (let k = 0; k < sockets.length; k++) {
          if (sockets[k].variable !== use.variable) continue;
          if (offsets[k] <= offset) index = k;
          else if (index === undefined) {
            index = k;
            break;
          } else break;
        }
      }
      if (index === undefined && requireAddress && !(use.endpoint.resolved && ZEROMQ_ADDRESS.test(use.endpoint.address))) continue;
      if (index !== undefined) {
        use.socketIndex = index;
        use.socketType = sockets[index].type;
        if (!use.variable && sockets[index].variable) use.variable = sockets[index].variable;
      }
      this.result.uses.push(use);
    }
    this.result.uses.sort((x, y) => x.range.line - y.range.line || x.range.character - y.range.character);
  }

  // ---- entry points ----

  private entryPoint(): string | undefined {
    const t = this.tokens;
    const has = (test: (i: number) => boolean) => {
      for (let i = 0; i < t.length; i++) if (test(i)) return true;
      return false;
    };
    const isMainCall = (i: number, name: string) => t[i].text === name && t[i + 1]?.text === '(';
    switch (this.language) {
      case 'python':
        return has((i) => t[i].text === '__name__' && t[i + 1]?.text === '==' && t[i + 2]?.value === '__main__') ? this.path : undefined;
      case 'c':
      case 'cpp':
        return has((i) => isMainCall(i, 'main') && (t[i - 1]?.text === 'int' || t[i - 1]?.text === 'void')) ? this.path : undefined;
      case 'go': {
        const isMainPackage = t[0]?.text === 'package' && t[1]?.text === 'main';
        if (!isMainPackage) return undefined;
        const slash = Math.max(this.path.lastIndexOf('/'), this.path.lastIndexOf('\\'));
        return slash > 0 ? this.path.slice(0, slash) : '.';
      }
      case 'java':
        return has((i) => isMainCall(i, 'main') && t[i - 1]?.text === 'void') ? this.path : undefined;
      case 'csharp':
        return has((i) => isMainCall(i, 'Main') && ['void', 'int', 'Task', '>'].includes(t[i - 1]?.text)) ? this.path : undefined;
      case 'rust':
        return has((i) => isMainCall(i, 'main') && t[i - 1]?.text === 'fn') ? this.path : undefined;
      case 'javascript':
      case 'typescript':
        return has(
          (i) =>
            (t[i].text === 'require' &&
              t[i + 2]?.text === 'main' &&
              (t[i + 3]?.text === '===' || t[i + 3]?.text === '==') &&
              t[i + 4]?.text === 'module') ||
            (t[i].text === 'import' && t[i + 2]?.text === 'meta' && t[i + 4]?.text === 'main'),
        )
          ? this.path
          : undefined;
    }
  }

  // ---- positions ----

  private expressionText(a: number, b: number): string {
    return this.text.slice(this.tokens[a].start, this.tokens[b - 1].end).replace(/\s+/g, ' ');
  }

  private offsetOf(range: SourceRange): number {
    return this.starts()[range.line] + range.character;
  }

  private starts(): number[] {
    if (!this.lineStarts) {
      const starts = [0];
      for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts = starts;
    }
    return this.lineStarts;
  }

  private position(offset: number): [number, number] {
    const starts = this.starts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return [lo, offset - starts[lo]];
  }

  private range(start: number, end: number): SourceRange {
    const [line, character] = this.position(start);
    const [endLine, endCharacter] = this.position(end);
    return { file: this.path, line, character, endLine, endCharacter };
  }
}
