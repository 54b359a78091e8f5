// Corpus renderers for C (libzmq, czmq zsock, czmq zsocket), C++ (cppzmq with socket_type, cppzmq with
// ZMQ_ constants, cppzmq members created in a constructor initialiser list, zmqpp), Go (pebbe/zmq4,
// goczmq, go-zeromq/zmq4; each program a folder of its own) and Rust (the zmq crate, the zeromq crate).
import type { SocketTypeName } from '../../src/core/types';
import {
  Code,
  PORT_NAMES,
  STYLES,
  goName,
  portsModule,
  tcpParts,
  type ProgramSpec,
  type RenderedFile,
  type SocketSpec,
} from './corpusPrograms';

function styleOf(variant: number, roleIndex: number) {
  return STYLES[(variant + 2 * roleIndex) % STYLES.length];
}

const DEFAULT_BIND = new Set<SocketTypeName>(['PUB', 'XPUB', 'REP', 'ROUTER', 'PULL']);
const describe = (p: ProgramSpec) => p.sockets.map((x) => `${x.type} ${x.action}s ${x.endpoint}`).join(', ');

export function renderC(program: ProgramSpec, variant: number, name: string, roleIndex: number): RenderedFile[] {
  const style = styleOf(variant, roleIndex);
  const library = (variant + roleIndex) % 3; // 0: libzmq, 1: czmq zsock, 2: czmq zsocket
  const c = new Code();
  c.add(`//  ${program.role}: ${describe(program)}`, library === 0 ? '#include <zmq.h>' : '#include <czmq.h>', '#include <stdio.h>');
  if (style === 'module') c.add('#include "ports.h"');
  if (style === 'constant')
    for (const x of program.sockets) if (tcpParts(x.endpoint)) c.add(`#define ${x.name.toUpperCase()}_PORT ${tcpParts(x.endpoint)!.port}`);
  const portExpr = (x: SocketSpec) =>
    style === 'constant' ? `${x.name.toUpperCase()}_PORT` : `${PORT_NAMES[tcpParts(x.endpoint)!.port]}_PORT`;
  const open = (x: SocketSpec, ctx: string) => {
    const tcp = tcpParts(x.endpoint);
    const formatted = tcp && style !== 'literal';
    if (library === 1 && !formatted) {
      const prefix = (x.action === 'bind') === DEFAULT_BIND.has(x.type) ? '' : x.action === 'bind' ? '@' : '>';
      c.socket(
        `    zsock_t *${x.name} = zsock_new_${x.type.toLowerCase()} ("${prefix}${x.endpoint}"${x.type === 'SUB' ? ', ""' : ''});`,
        x.type,
      );
      return;
    }
    if (library === 0) c.socket(`    void *${x.name} = zmq_socket (${ctx}, ZMQ_${x.type});`, x.type);
    else if (library === 1) c.socket(`    zsock_t *${x.name} = zsock_new (ZMQ_${x.type});`, x.type);
    else c.socket(`    void *${x.name} = zsocket_new (${ctx}, ZMQ_${x.type});`, x.type);
    if (library === 0 && formatted) {
      c.add(
        `    char ${x.name}_endpoint [64];`,
        `    snprintf (${x.name}_endpoint, sizeof ${x.name}_endpoint, "${tcp!.prefix}%d", ${portExpr(x)});`,
      );
      c.add(`    int ${x.name}_rc = zmq_${x.action} (${x.name}, ${x.name}_endpoint);`, `    assert (${x.name}_rc == 0);`);
    } else if (library === 0) c.add(`    zmq_${x.action} (${x.name}, "${x.endpoint}");`);
    else {
      const fn = library === 1 ? `zsock_${x.action}` : `zsocket_${x.action}`;
      c.add(formatted ? `    ${fn} (${x.name}, "${tcp!.prefix}%d", ${portExpr(x)});` : `    ${fn} (${x.name}, "${x.endpoint}");`);
    }
  };
  const workers = program.sockets.filter((x) => x.inWorker);
  if (workers.length) {
    c.add(
      '',
      'static void *',
      'worker_task (void *args)',
      '{',
      library === 2 ? '    zctx_t *ctx = (zctx_t *) args;' : '    void *context = args;',
    );
    for (const x of workers) open(x, library === 2 ? 'ctx' : 'context');
    c.add('    return NULL;', '}');
  }
  c.add(
    '',
    'int main (void)',
    '{',
    library === 0 ? '    void *context = zmq_ctx_new ();' : library === 2 ? '    zctx_t *ctx = zctx_new ();' : '',
  );
  for (const x of program.sockets.filter((y) => !y.inWorker)) open(x, library === 2 ? 'ctx' : 'context');
  if (workers.length)
    c.add('    pthread_t worker;', `    pthread_create (&worker, NULL, worker_task, ${library === 2 ? 'ctx' : 'context'});`);
  c.add('    return 0;', '}');
  return [{ path: `${name}.c`, text: c.text(), sockets: c.sockets }];
}

export function renderCpp(program: ProgramSpec, variant: number, name: string, roleIndex: number): RenderedFile[] {
  const style = styleOf(variant, roleIndex);
  const library = (variant + roleIndex) % 4; // 0: cppzmq socket_type, 1: cppzmq ZMQ_, 2: members in an initialiser list, 3: zmqpp
  const c = new Code();
  c.add(
    `//  ${program.role}: ${describe(program)}`,
    library === 3 ? '#include <zmqpp/zmqpp.hpp>' : '#include <zmq.hpp>',
    '#include <string>',
    '#include <thread>',
  );
  if (style === 'module') c.add('#include "ports.hpp"');
  if (style === 'constant')
    for (const x of program.sockets) if (tcpParts(x.endpoint)) c.add(`const int ${x.name}_port = ${tcpParts(x.endpoint)!.port};`);
  const ep = (x: SocketSpec) => {
    const tcp = tcpParts(x.endpoint);
    if (!tcp || style === 'literal') return `"${x.endpoint}"`;
    if (style === 'constant') return `"${tcp.prefix}" + std::to_string (${x.name}_port)`;
    return `"${tcp.prefix}" ${PORT_NAMES[tcp.port]}_PORT`;
  };
  const ZMQPP: Record<string, string> = {
    PUB: 'publish',
    SUB: 'subscribe',
    REQ: 'request',
    REP: 'reply',
    XPUB: 'xpublish',
    XSUB: 'xsubscribe',
  };
  const create = (x: SocketSpec, ctx: string) => {
    if (library === 0) c.socket(`    zmq::socket_t ${x.name}{${ctx}, zmq::socket_type::${x.type.toLowerCase()}};`, x.type);
    else if (library === 3)
      c.socket(`    zmqpp::socket ${x.name} (${ctx}, zmqpp::socket_type::${ZMQPP[x.type] ?? x.type.toLowerCase()});`, x.type);
    else c.socket(`    zmq::socket_t ${x.name} (${ctx}, ZMQ_${x.type});`, x.type);
    c.add(`    ${x.name}.${x.action} (${ep(x)});`);
  };
  const main = program.sockets.filter((x) => !x.inWorker);
  const workers = program.sockets.filter((x) => x.inWorker);
  const ctxType = library === 3 ? 'zmqpp::context' : 'zmq::context_t';
  if (workers.length) {
    c.add('', `static void worker_routine (${ctxType} *context)`, '{');
    for (const x of workers) create(x, '*context');
    c.add('}');
  }
  if (library === 2) {
    const cls = program.role[0].toUpperCase() + program.role.slice(1);
    const inits = main.map((x) => `${x.name}_ (ctx, zmq::socket_type::${x.type.toLowerCase()})`).join(', ');
    c.add('', `class ${cls} {`, ' public:');
    c.socket(`  explicit ${cls} (zmq::context_t &ctx) : ${inits} {`, ...main.map((x) => x.type));
    for (const x of main) c.add(`    ${x.name}_.${x.action} (${ep(x)});`);
    c.add(
      '  }',
      '',
      ' private:',
      ...main.map((x) => `  zmq::socket_t ${x.name}_;`),
      '};',
      '',
      'int main ()',
      '{',
      '    zmq::context_t context (1);',
      `    ${cls} node (context);`,
    );
  } else {
    c.add('', 'int main ()', '{', `    ${ctxType} context${library === 3 ? '' : ' (1)'};`);
    for (const x of main) create(x, 'context');
  }
  if (workers.length) c.add('    std::thread worker (worker_routine, &context);', '    worker.join ();');
  c.add('    return 0;', '}');
  return [{ path: `${name}.cpp`, text: c.text(), sockets: c.sockets }];
}

export function renderGo(program: ProgramSpec, variant: number, name: string, roleIndex: number): RenderedFile[] {
  const style = styleOf(variant, roleIndex);
  const library = (variant + roleIndex) % 3; // 0: pebbe/zmq4, 1: goczmq, 2: go-zeromq/zmq4
  const c = new Code();
  const imports =
    library === 0
      ? ['zmq "github.com/pebbe/zmq4"']
      : library === 1
        ? ['"github.com/zeromq/goczmq"']
        : ['"context"', '"github.com/go-zeromq/zmq4"'];
  c.add(`// ${program.role}: ${describe(program)}`, 'package main', '', 'import (', '\t"fmt"', ...imports.map((i) => `\t${i}`), ')', '');
  if (style === 'constant')
    for (const x of program.sockets) if (tcpParts(x.endpoint)) c.add(`const ${x.name}Port = ${tcpParts(x.endpoint)!.port}`);
  const ep = (x: SocketSpec) => {
    const tcp = tcpParts(x.endpoint);
    if (!tcp || style === 'literal') return `"${x.endpoint}"`;
    return `fmt.Sprintf("${tcp.prefix}%d", ${style === 'constant' ? `${x.name}Port` : `${goName(PORT_NAMES[tcp.port])}Port`})`;
  };
  const title = (t: string) => t[0] + t.slice(1).toLowerCase();
  const goczmqName = (t: SocketTypeName) => (t === 'XPUB' ? 'XPub' : t === 'XSUB' ? 'XSub' : title(t));
  const open = (x: SocketSpec, indent: string) => {
    if (library === 0) {
      c.socket(`${indent}${x.name}, _ := zmq.NewSocket(zmq.${x.type})`, x.type);
      c.add(`${indent}${x.name}.${x.action === 'bind' ? 'Bind' : 'Connect'}(${ep(x)})`);
    } else if (library === 1 && style === 'literal') {
      const prefix = (x.action === 'bind') === DEFAULT_BIND.has(x.type) ? '' : x.action === 'bind' ? '@' : '>';
      c.socket(
        `${indent}${x.name}, err := goczmq.New${goczmqName(x.type)}(${x.type === 'SUB' ? `"${prefix}${x.endpoint}", ""` : `"${prefix}${x.endpoint}"`})`,
        x.type,
      );
      c.add(`${indent}if err != nil {`, `${indent}\tpanic(err)`, `${indent}}`);
    } else if (library === 1) {
      c.socket(`${indent}${x.name} := goczmq.NewSock(goczmq.${goczmqName(x.type)})`, x.type);
      const call = `${x.name}.${x.action === 'bind' ? 'Bind' : 'Connect'}(${ep(x)})`;
      c.add(`${indent}if ${x.action === 'bind' ? '_, err' : 'err'} := ${call}; err != nil {`, `${indent}\tpanic(err)`, `${indent}}`);
    } else {
      c.socket(`${indent}${x.name} := zmq4.New${goczmqName(x.type)}(context.Background())`, x.type);
      c.add(
        `${indent}if err := ${x.name}.${x.action === 'bind' ? 'Listen' : 'Dial'}(${ep(x)}); err != nil {`,
        `${indent}\tpanic(err)`,
        `${indent}}`,
      );
    }
    c.add(`${indent}defer ${x.name}.${library === 1 ? 'Destroy' : 'Close'}()`);
  };
  const workers = program.sockets.filter((x) => x.inWorker);
  if (workers.length) {
    c.add('func worker() {');
    for (const x of workers) open(x, '\t');
    c.add('}', '');
  }
  c.add('func main() {');
  for (const x of program.sockets.filter((y) => !y.inWorker)) open(x, '\t');
  if (workers.length) c.add('\tgo worker()');
  c.add('\tfmt.Println("ready")', '}');
  const files: RenderedFile[] = [{ path: `${name}/main.go`, text: c.text(), sockets: c.sockets }];
  if (style === 'module') files.push({ path: `${name}/${portsModule('go').path}`, text: portsModule('go').text, sockets: [] });
  return files;
}

const RUST_ZEROMQ: Partial<Record<SocketTypeName, string>> = {
  PUB: 'PubSocket',
  SUB: 'SubSocket',
  REQ: 'ReqSocket',
  REP: 'RepSocket',
  DEALER: 'DealerSocket',
  ROUTER: 'RouterSocket',
  PUSH: 'PushSocket',
  PULL: 'PullSocket',
};

export function renderRust(program: ProgramSpec, variant: number, name: string, roleIndex: number): RenderedFile[] {
  const style = styleOf(variant, roleIndex);
  // The zeromq crate speaks tcp and ipc only, and not every socket type: those programs use the zmq crate.
  const pure = (variant + roleIndex) % 2 === 1 && program.sockets.every((x) => RUST_ZEROMQ[x.type] && !x.endpoint.startsWith('inproc'));
  const c = new Code();
  c.add(`// ${program.role}: ${describe(program)}`, pure ? 'use zeromq::{Socket, SocketRecv, SocketSend};' : 'use std::thread;');
  if (style !== 'literal')
    for (const x of program.sockets)
      if (tcpParts(x.endpoint)) c.add(`const ${x.name.toUpperCase()}_PORT: u16 = ${tcpParts(x.endpoint)!.port};`);
  const ep = (x: SocketSpec) => {
    let endpoint = x.endpoint;
    if (pure && x.action === 'bind') endpoint = endpoint.replace('tcp://*:', 'tcp://0.0.0.0:');
    const tcp = tcpParts(endpoint);
    if (!tcp || style === 'literal') return `"${endpoint}"`;
    const port = `${x.name.toUpperCase()}_PORT`;
    return style === 'constant' ? `&format!("${tcp.prefix}{}", ${port})` : `&format!("${tcp.prefix}{${port}}")`;
  };
  const open = (x: SocketSpec, indent: string, ctx: string) => {
    if (pure) {
      c.socket(`${indent}let mut ${x.name} = zeromq::${RUST_ZEROMQ[x.type]}::new();`, x.type);
      c.add(`${indent}${x.name}.${x.action}(${ep(x)}).await?;`);
    } else {
      c.socket(`${indent}let ${x.name} = ${ctx}.socket(zmq::${x.type}).unwrap();`, x.type);
      c.add(`${indent}${x.name}.${x.action}(${ep(x)}).expect("${x.action} failed");`);
    }
  };
  if (pure) c.add('', '#[tokio::main]', 'async fn main() -> Result<(), Box<dyn std::error::Error>> {');
  else c.add('', 'fn main() {', '    let context = zmq::Context::new();');
  for (const x of program.sockets.filter((y) => !y.inWorker)) open(x, '    ', 'context');
  const workers = program.sockets.filter((x) => x.inWorker);
  if (workers.length) {
    c.add('    let ctx = context.clone();', '    thread::spawn(move || {');
    for (const x of workers) open(x, '        ', 'ctx');
    c.add('    });');
  }
  c.add(pure ? '    Ok(())' : '    println!("ready");', '}');
  return [{ path: `src/bin/${name}.rs`, text: c.text(), sockets: c.sockets }];
}
