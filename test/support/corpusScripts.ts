// Corpus renderers for Python (pyzmq: sync with main(), top-level scripts, asyncio) and JavaScript /
// TypeScript (zeromq.js v6 classes, with and without parentheses; v5 zmq.socket).
import { Code, PORT_NAMES, STYLES, tcpParts, type ProgramSpec, type RenderedFile, type SocketSpec } from './corpusPrograms';

function styleOf(variant: number, roleIndex: number) {
  return STYLES[(variant + 2 * roleIndex) % STYLES.length];
}

export function renderPython(program: ProgramSpec, variant: number, name: string, roleIndex: number): RenderedFile[] {
  const style = styleOf(variant, roleIndex);
  const flavour = (variant + roleIndex) % 3; // 0: main() + guard, 1: top-level script, 2: asyncio
  const c = new Code();
  c.add(`"""${program.role}: ${program.sockets.map((x) => `${x.type} ${x.action}s ${x.endpoint}`).join(', ')}."""`);
  c.add(flavour === 2 ? 'import asyncio\nimport zmq\nimport zmq.asyncio' : 'import threading\nimport zmq');
  if (style === 'module') c.add('import ports');
  if (style === 'constant')
    for (const x of program.sockets) if (tcpParts(x.endpoint)) c.add(`${x.name.toUpperCase()}_PORT = ${tcpParts(x.endpoint)!.port}`);
  c.add('');
  const ep = (x: SocketSpec) => {
    const tcp = tcpParts(x.endpoint);
    if (!tcp || style === 'literal') return `"${x.endpoint}"`;
    if (style === 'constant') return `f"${tcp.prefix}{${x.name.toUpperCase()}_PORT}"`;
    return `"${tcp.prefix}%d" % ports.${PORT_NAMES[tcp.port]}`;
  };
  const open = (indent: string, x: SocketSpec, ctx: string) => {
    c.socket(`${indent}${x.name} = ${ctx}.socket(zmq.${x.type})`, x.type);
    c.add(`${indent}${x.name}.${x.action}(${ep(x)})`);
  };
  const main = program.sockets.filter((x) => !x.inWorker);
  const workers = program.sockets.filter((x) => x.inWorker);
  if (workers.length) {
    c.add('def worker_routine(context):', '    """A worker thread of this program."""');
    for (const x of workers) open('    ', x, 'context');
    c.add('    while True:', `        message = ${workers[0].name}.recv()`, '');
  }
  if (flavour === 1) {
    c.add('context = zmq.Context()');
    for (const x of main) open('', x, 'context');
    if (workers.length) c.add('threading.Thread(target=worker_routine, args=(context,), daemon=True).start()');
    c.add('while True:', `    ${main[0].name}.poll(1000)`);
  } else {
    c.add(
      flavour === 2 ? 'async def main():' : 'def main():',
      `    context = zmq.${flavour === 2 ? 'asyncio.Context()' : 'Context.instance()'}`,
    );
    for (const x of main) open('    ', x, 'context');
    if (workers.length) c.add('    threading.Thread(target=worker_routine, args=(context,), daemon=True).start()');
    c.add(`    ${main[0].name}.close()`, '', '', 'if __name__ == "__main__":', flavour === 2 ? '    asyncio.run(main())' : '    main()');
  }
  return [{ path: `${name}.py`, text: c.text(), sockets: c.sockets }];
}

const JS_CLASS: Record<string, string> = {
  PUB: 'Publisher',
  SUB: 'Subscriber',
  XPUB: 'XPublisher',
  XSUB: 'XSubscriber',
  REQ: 'Request',
  REP: 'Reply',
  DEALER: 'Dealer',
  ROUTER: 'Router',
  PUSH: 'Push',
  PULL: 'Pull',
  PAIR: 'Pair',
};

export function renderJavaScript(program: ProgramSpec, variant: number, name: string, roleIndex: number): RenderedFile[] {
  const style = styleOf(variant, roleIndex);
  const library = (variant + roleIndex) % 3; // 0: v6 CommonJS, 1: v6 TypeScript, 2: v5
  const ts = library === 1;
  const c = new Code();
  c.add(`// ${program.role}: ${program.sockets.map((x) => `${x.type} ${x.action}s ${x.endpoint}`).join(', ')}.`);
  if (ts) c.add(`import * as zmq from "zeromq"`, style === 'module' ? 'import * as ports from "./ports"' : '');
  else c.add('const zmq = require("zeromq")', style === 'module' ? 'const ports = require("./ports")' : '');
  if (style === 'constant')
    for (const x of program.sockets) if (tcpParts(x.endpoint)) c.add(`const ${x.name}Port = ${tcpParts(x.endpoint)!.port}`);
  const ep = (x: SocketSpec) => {
    const tcp = tcpParts(x.endpoint);
    if (!tcp || style === 'literal') return `"${x.endpoint}"`;
    if (style === 'constant') return `\`${tcp.prefix}\${${x.name}Port}\``;
    return `"${tcp.prefix}" + ports.${PORT_NAMES[tcp.port]}`;
  };
  const open = (x: SocketSpec, indent: string) => {
    if (library === 2) {
      c.socket(`${indent}const ${x.name} = zmq.socket("${x.type.toLowerCase()}")`, x.type);
      c.add(`${indent}${x.name}.${x.action === 'bind' ? 'bindSync' : 'connect'}(${ep(x)})`);
    } else {
      const parens = (roleIndex + variant) % 2 ? '()' : '';
      c.socket(`${indent}const ${x.name} = new zmq.${JS_CLASS[x.type]}${parens}`, x.type);
      c.add(`${indent}${x.action === 'bind' ? 'await ' : ''}${x.name}.${x.action}(${ep(x)})`);
    }
  };
  const workers = program.sockets.filter((x) => x.inWorker);
  if (workers.length) {
    c.add('', `async function worker()${ts ? ': Promise<void>' : ''} {`);
    for (const x of workers) open(x, '  ');
    c.add('}');
  }
  c.add('', `async function run()${ts ? ': Promise<void>' : ''} {`);
  for (const x of program.sockets.filter((y) => !y.inWorker)) open(x, '  ');
  if (workers.length) c.add('  void worker()');
  c.add('}', '', 'run()');
  return [{ path: `${name}.${ts ? 'ts' : 'js'}`, text: c.text(), sockets: c.sockets }];
}
