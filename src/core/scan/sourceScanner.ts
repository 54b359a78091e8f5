// Finds ZeroMQ sockets and their bind/connect calls in one source file (Python, C, C++, JS/TS, Go,
// Java, C#, Rust), with the endpoint each call uses, computed when the code says what it is (in this
// file, or in a file it imports: see crossFileConstants.ts). The bindings it knows are listed in
// socketLibraries.ts.
//
// Why a tokenizer and not tree-sitter: what we look for are call shapes (`ctx.socket(zmq.PUB)`,
// `zmq_bind(s, ep)`, `new zmq.Publisher()`, `sock.Bind(...)`) plus constants, which a per-language
// tokenizer that strips comments and decodes strings finds reliably. Tree-sitter would mean nine WASM
// grammars (several MB in the VSIX), an async WASM start before the first scan, and grammar/runtime
// version pinning, for parse trees we would only walk for these same shapes.
//
// Bounded: the whole scan of a file spends from one WorkBudget (linear in its size, with a deadline);
// a file that exhausts it comes back with `skipped` set and no sockets, and the workspace scan goes on.
import type { SocketTypeName } from '../types';
import { ConstantEvaluator } from './constantEvaluator';
import type { CrossFileConstants } from './crossFileConstants';
import { programOf } from './entryPoints';
import { readImports } from './importDeclarations';
import { DEFAULT_BUDGET, ScanTooComplex, WorkBudget, type BudgetLimits } from './scanBudget';
import { languageOfFile, mightUseZeroMQ } from './scannableFiles';
import type { EndpointAction, EndpointValue, ScanLanguage, ScanResult, ScannedEndpointUse, ScannedSocket } from './scanTypes';
import {
  ATTACH_DEFAULT,
  BIND_METHODS,
  CREATE_CALLS,
  C_FUNCTIONS,
  GO_NEW_FUNCTIONS,
  JS_CLASSES,
  NETMQ3_FACTORIES,
  NETMQ_CLASSES,
  RANDOM_PORT_METHODS,
  RUST_ZEROMQ_CLASSES,
  czmqSmartConstructor,
  socketTypeOfName,
  socketTypeOfString,
} from './socketLibraries';
import { SourcePositions } from './sourcePositions';
import { matchBrackets, tokenize, type Token } from './sourceLexer';
import { TokenNavigator, isSeparator } from './tokenNavigation';
import { linkUses, type PendingUse } from './useLinking';
import { OVERSIZED, formatPrintf, type Evaluated } from './valueFormatting';

export interface ScanOptions {
  budget?: BudgetLimits;
  /** Resolves names imported from other files; without it only same-file constants are computed. */
  modules?: CrossFileConstants;
}

const NULLS = new Set(['NULL', 'nullptr', 'nil', 'null', 'None', 'undefined']);

export function scanSource(path: string, text: string, options: ScanOptions = {}): ScanResult {
  const language = languageOfFile(path);
  const result: ScanResult = { file: path, language, sockets: [], uses: [] };
  if (!language || !mightUseZeroMQ(text)) return result;
  const dependencies = new Set<string>();
  try {
    new SourceScan(path, text, language, result, options, dependencies).run();
    if (dependencies.size) result.dependencies = [...dependencies].sort();
    return result;
  } catch (error) {
    // A hostile file must not stop the workspace scan: say why it was skipped, keep nothing from it.
    const reason =
      error instanceof ScanTooComplex
        ? error.message
        : `skipped: scanner error (${error instanceof Error ? error.message : String(error)})`;
    return { file: path, language, sockets: [], uses: [], skipped: reason };
  }
}

class SourceScan {
  private readonly tokens: Token[];
  private readonly nav: TokenNavigator;
  private readonly constants: ConstantEvaluator;
  private readonly positions: SourcePositions;
  /** Closing-paren index of a creation call → socket index (for `ctx.socket(zmq.PUB).bind(...)`). */
  private readonly socketByCallEnd = new Map<number, number>();
  private readonly pendingUses: PendingUse[] = [];
  /** Go import qualifiers by library: `goczmq` constructors take endpoints, go-zeromq's take a context. */
  private readonly goczmqNames = new Set<string>();
  private readonly goZeromqNames = new Set<string>();

  constructor(
    private readonly path: string,
    private readonly text: string,
    private readonly language: ScanLanguage,
    private readonly result: ScanResult,
    options: ScanOptions,
    dependencies: Set<string>,
  ) {
    const budget = new WorkBudget(text.length, options.budget ?? DEFAULT_BUDGET);
    this.tokens = tokenize(text, language, budget);
    this.nav = new TokenNavigator(this.tokens, matchBrackets(this.tokens), language, budget);
    const external = options.modules?.namesFor(path, language, this.tokens, dependencies);
    this.constants = new ConstantEvaluator(this.nav, external);
    this.positions = new SourcePositions(path, text);
    if (language === 'go') {
      for (const [alias, module] of readImports(this.tokens, 'go').modules) {
        if (module.name.includes('goczmq')) this.goczmqNames.add(alias);
        else if (module.name.includes('go-zeromq/zmq4')) this.goZeromqNames.add(alias);
      }
    }
  }

  run(): void {
    const t = this.tokens;
    const lang = this.language;
    const creators = CREATE_CALLS[lang];
    const methods = BIND_METHODS[lang];
    const isC = lang === 'c' || lang === 'cpp';
    for (let i = 0; i < t.length; i++) {
      this.nav.budget.spend();
      const tok = t[i];
      if (tok.kind !== 'ident') continue;
      const next = t[i + 1]?.text;
      const previous = t[i - 1]?.text;
      if (tok.text === 'new' && (lang === 'javascript' || lang === 'typescript' || lang === 'csharp')) {
        this.matchConstructor(i);
        continue;
      }
      if (lang === 'cpp' && (previous === 'socket_t' || previous === 'socket') && (next === '(' || next === '{')) {
        this.matchCreateCall(i, tok.text);
        continue;
      }
      if (lang === 'cpp' && (tok.text === 'socket_t' || tok.text === 'socket') && next === '>' && t[i + 2]?.text === '(') {
        this.matchCreateCall(i + 1); // std::make_unique<zmq::socket_t>(ctx, ZMQ_PUB)
        continue;
      }
      if (lang === 'cpp' && next === '{' && this.isInitializerEntry(i)) {
        this.matchCreateCall(i, tok.text);
        continue;
      }
      if (next !== '(') continue;
      if (creators.has(tok.text)) this.matchCreateCall(i);
      else if (isC && czmqSmartConstructor(tok.text)) this.matchAttachingConstructor(i, czmqSmartConstructor(tok.text)!);
      else if (isC && C_FUNCTIONS[tok.text]) this.matchCFunction(i);
      else if (isC && tok.text === 'zsock_attach') this.matchAttach(i);
      else if (lang === 'go' && GO_NEW_FUNCTIONS[tok.text.replace(/Channeler$/, '')]) this.matchGoNew(i);
      else if (lang === 'csharp' && NETMQ3_FACTORIES[tok.text] && previous === '.') this.matchFactory(i, NETMQ3_FACTORIES[tok.text]);
      else if (lang === 'rust' && tok.text === 'new' && previous === '::' && RUST_ZEROMQ_CLASSES[t[i - 2]?.text])
        this.matchFactory(i, RUST_ZEROMQ_CLASSES[t[i - 2].text]);
      else if (methods[tok.text] && (previous === '.' || previous === '->')) this.matchMethodUse(i, methods[tok.text]);
      else if (lang === 'cpp' && this.isInitializerEntry(i)) this.matchCreateCall(i, tok.text);
    }
    this.result.uses = linkUses(this.result.sockets, this.pendingUses, (r) => this.positions.offsetOf(r));
    const offsets = this.result.sockets.map((s) => this.positions.offsetOf(s.range));
    this.result.program = programOf(this.path, lang, t, this.text, offsets);
  }

  // ---- sockets ----

  /** `ctx.socket(zmq.PUB)`, `zmq_socket(ctx, ZMQ_PUB)`, `socket_t s(ctx, ...)`, `NewSock(goczmq.Pull)`. */
  private matchCreateCall(callee: number, declaredName?: string): void {
    const t = this.tokens;
    const open = callee + 1;
    const close = this.nav.match[open];
    if (close < 0) return;
    const args = this.nav.splitArguments(t, open, close);
    let type: SocketTypeName | undefined;
    for (const [a, b] of args.slice(0, 4)) if ((type = this.socketTypeOfArgument(a, b))) break;
    if (!type) return;
    let start = declaredName ? callee : this.callStart(callee);
    if (declaredName && (t[callee - 1]?.text === 'socket_t' || t[callee - 1]?.text === 'socket')) {
      // A declaration includes its type: `zmq::socket_t sock(...)` starts at `zmq`.
      start = callee - 1;
      while (start >= 2 && isSeparator(t[start - 1].text) && t[start - 2].kind === 'ident') start -= 2;
    } else if (t[callee].text === '>') {
      // std::make_unique<zmq::socket_t>(...) starts at `std`.
      for (let k = callee - 1; k > callee - 10 && k > 0; k--) if (t[k].text === '<') start = this.callStart(k - 1);
    }
    this.addSocket(type, callee, start, close, declaredName);
  }

  /** C++ constructor initialiser list entry: `Server() : ctx_(1), sock_(ctx_, ZMQ_REP) {`. */
  private isInitializerEntry(i: number): boolean {
    const t = this.tokens;
    let k = i - 1;
    for (let entries = 0; t[k]?.text === ',' && entries < 64; entries++) {
      const open = this.nav.match[k - 1];
      if (open < 1 || t[open - 1]?.kind !== 'ident') return false;
      k = open - 2;
    }
    return t[k]?.text === ':' && t[k - 1]?.text === ')';
  }

  private matchConstructor(newIndex: number): void {
    const t = this.tokens;
    let i = newIndex + 1;
    while (t[i + 1] && isSeparator(t[i + 1].text) && t[i + 2]?.kind === 'ident' && i < newIndex + 16) i += 2;
    const name = t[i];
    if (name?.kind !== 'ident') return;
    const open = i + 1;
    const close = t[open]?.text === '(' ? this.nav.match[open] : -1;
    if (this.language === 'csharp') {
      if (close < 0) return;
      const args = this.nav.splitArguments(t, open, close);
      const netmq = NETMQ_CLASSES[name.text];
      if (netmq) {
        const socketIndex = this.addSocket(netmq[0], i, newIndex, close);
        if (args.length && args[0][1] > args[0][0]) this.addConnectionString(netmq[1], args[0], socketIndex);
        return;
      }
      // clrzmq4: new ZSocket(ctx, ZSocketType.PUB) / new ZSocket(ZSocketType.PUB)
      if (name.text === 'ZSocket') {
        for (const [a, b] of args.slice(0, 3)) {
          const type = this.socketTypeOfArgument(a, b);
          if (type) return void this.addSocket(type, i, newIndex, close);
        }
      }
      return;
    }
    // zeromq.js v6: `new zmq.Publisher()`, `new Publisher({ linger: 0 })`, `new zmq.Publisher` (no parentheses).
    const type = JS_CLASSES[name.text];
    if (type) this.addSocket(type, i, newIndex, close < 0 ? i : close);
  }

  /** czmq `zsock_new_pub("@tcp://*:5556")`, goczmq `NewPub(endpoints)`: a socket that attaches as it is made. */
  private matchAttachingConstructor(callee: number, type: SocketTypeName): void {
    const close = this.nav.match[callee + 1];
    if (close < 0) return;
    const socketIndex = this.addSocket(type, callee, this.callStart(callee), close);
    const args = this.nav.splitArguments(this.tokens, callee + 1, close);
    if (args.length && args[0][1] > args[0][0]) this.addConnectionString(ATTACH_DEFAULT[type], args[0], socketIndex);
  }

  private matchGoNew(callee: number): void {
    const t = this.tokens;
    const type = GO_NEW_FUNCTIONS[t[callee].text.replace(/Channeler$/, '')];
    const qualifier = t[callee - 1]?.text === '.' ? t[callee - 2]?.text : undefined;
    const close = this.nav.match[callee + 1];
    if (close < 0 || (qualifier && !this.goczmqNames.has(qualifier) && !this.goZeromqNames.has(qualifier))) return;
    const args = this.nav.splitArguments(t, callee + 1, close);
    const first = args[0] ? this.constants.evaluateRange(args[0][0], args[0][1]) : undefined;
    const goczmq = qualifier ? this.goczmqNames.has(qualifier) : typeof first === 'string';
    if (goczmq) this.matchAttachingConstructor(callee, type);
    else if (!t[callee].text.endsWith('Channeler')) this.addSocket(type, callee, this.callStart(callee), close);
  }

  /** NetMQ 3 `context.CreatePublisherSocket()`, Rust `zeromq::PubSocket::new()`. */
  private matchFactory(callee: number, type: SocketTypeName): void {
    const close = this.nav.match[callee + 1];
    if (close >= 0) this.addSocket(type, callee, this.callStart(callee), close);
  }

  /** NetMQ/czmq/goczmq `"@tcp://*:5555,>tcp://host:5556"`: `@` binds, `>` connects, no prefix does the default. */
  private addConnectionString(defaultAction: EndpointAction, [a, b]: [number, number], socketIndex?: number, variable?: string): void {
    const t = this.tokens;
    if (b - a === 1 && NULLS.has(t[a].text)) return;
    const value = this.constants.evaluateRange(a, b);
    const range = this.positions.range(t[a].start, t[b - 1].end);
    const pending = (action: EndpointAction, endpoint: EndpointValue) => {
      const use: ScannedEndpointUse = { action, endpoint, range };
      if (variable) use.variable = variable;
      this.pendingUses.push({ use, offset: t[a].start, chainedSocket: socketIndex, requireAddress: false, argumentCount: 1 });
    };
    if (typeof value !== 'string') return pending(defaultAction, this.unresolved(a, b, value));
    for (const piece of value.split(',').slice(0, 16)) {
      const trimmed = piece.trim();
      if (!trimmed) continue;
      const action = trimmed[0] === '@' ? 'bind' : trimmed[0] === '>' ? 'connect' : defaultAction;
      pending(action, { resolved: true, address: trimmed[0] === '@' || trimmed[0] === '>' ? trimmed.slice(1) : trimmed });
    }
  }

  private socketTypeOfArgument(a: number, b: number): SocketTypeName | undefined {
    const t = this.tokens;
    if (b - a === 1 && t[a].kind === 'string' && (this.language === 'javascript' || this.language === 'typescript'))
      return socketTypeOfString(t[a].value!);
    const chain = this.nav.chainText(t, a, b);
    if (!chain) return undefined;
    const type = socketTypeOfName(chain.split('.'), this.language, this.goczmqNames);
    if (type || chain.includes('.')) return type;
    const alias = this.constants.aliasOf(chain);
    return alias ? socketTypeOfName(alias.split('.'), this.language, this.goczmqNames) : undefined;
  }

  /** Index of the first token of the expression whose call is at `callee` (`zmq.Context().socket`). */
  private callStart(callee: number): number {
    const t = this.tokens;
    let start = callee;
    for (let steps = 0; steps < 64; steps++) {
      const sep = t[start - 1]?.text;
      if (sep === undefined || !isSeparator(sep)) break;
      const before = t[start - 2];
      if (before?.kind === 'ident') {
        start -= 2;
        continue;
      }
      if (before?.text === ')' && this.nav.match[start - 2] > 0) {
        const open = this.nav.match[start - 2];
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
      if (t[k]?.text === '=' || t[k]?.text === ':=') variable = this.nav.assignmentTargets(k)[0];
      else if (t[close + 1]?.text === 'as' && t[close + 2]?.kind === 'ident') variable = t[close + 2].text;
    }
    const socket: ScannedSocket = { type, range: this.positions.range(t[start].start, t[Math.max(close, callee)].end) };
    if (variable) socket.variable = variable;
    this.result.sockets.push(socket);
    const index = this.result.sockets.length - 1;
    if (close > 0) this.socketByCallEnd.set(close, index);
    return index;
  }

  // ---- bind / connect ----

  /** `zmq_bind(s, ep)`; czmq `zsock_bind(s, "tcp://*:%d", port)` formats like printf. */
  private matchCFunction(callee: number): void {
    const { printf, action } = C_FUNCTIONS[this.tokens[callee].text];
    const args = this.nav.splitArguments(this.tokens, callee + 1, this.nav.match[callee + 1]);
    if (args.length < 2 || args[1][1] <= args[1][0]) return;
    const variable = this.nav.chainText(this.tokens, args[0][0], args[0][1]);
    const formatted = printf && args.length > 2 ? args.slice(1) : undefined;
    this.addUse(action, formatted ? [args[1][0], args[args.length - 1][1]] : args[1], variable, undefined, false, 1, formatted);
  }

  /** czmq `zsock_attach(sock, "@tcp://*:1,>tcp://h:2", serverish)`. */
  private matchAttach(callee: number): void {
    const t = this.tokens;
    const args = this.nav.splitArguments(t, callee + 1, this.nav.match[callee + 1]);
    if (args.length < 3 || args[1][1] <= args[1][0]) return;
    const variable = this.nav.chainText(t, args[0][0], args[0][1]);
    this.addConnectionString(t[args[2][0]].text === 'true' ? 'bind' : 'connect', args[1], undefined, variable);
  }

  private matchMethodUse(method: number, action: EndpointAction): void {
    const t = this.tokens;
    const args = this.nav.splitArguments(t, method + 1, this.nav.match[method + 1]);
    if (!args.length || args[0][1] <= args[0][0]) return;
    const receiverEnd = method - 2;
    let variable: string | undefined;
    let chained: number | undefined;
    if (t[receiverEnd]?.text === ')') chained = this.socketByCallEnd.get(receiverEnd);
    else variable = this.nav.chainBackward(receiverEnd)?.text;
    const randomPort = RANDOM_PORT_METHODS.has(t[method].text);
    this.addUse(action, args[0], variable, chained, true, args.length, undefined, randomPort);
  }

  private addUse(
    action: EndpointAction,
    [a, b]: [number, number],
    variable: string | undefined,
    chainedSocket: number | undefined,
    requireAddress: boolean,
    argumentCount: number,
    printfArgs?: Array<[number, number]>,
    randomPort = false,
  ): void {
    const t = this.tokens;
    let value: Evaluated;
    if (printfArgs) {
      const format = this.constants.evaluateRange(printfArgs[0][0], printfArgs[0][1]);
      value =
        typeof format === 'string'
          ? formatPrintf(
              format,
              printfArgs.slice(1).map(([x, y]) => this.constants.evaluateRange(x, y)),
            )
          : format;
    } else value = this.constants.evaluateRange(a, b);
    if (randomPort && typeof value === 'string') value = `${value}:*`;
    const endpoint: EndpointValue = typeof value === 'string' ? { resolved: true, address: value } : this.unresolved(a, b, value);
    const use: ScannedEndpointUse = { action, endpoint, range: this.positions.range(t[a].start, t[b - 1].end) };
    if (variable) use.variable = variable;
    this.pendingUses.push({ use, offset: t[a].start, chainedSocket, requireAddress, argumentCount });
  }

  private unresolved(a: number, b: number, value: Evaluated): EndpointValue {
    const expression = this.positions.expressionText(this.tokens[a].start, this.tokens[b - 1].end);
    return value === OVERSIZED ? { resolved: false, expression, tooLong: true } : { resolved: false, expression };
  }
}
