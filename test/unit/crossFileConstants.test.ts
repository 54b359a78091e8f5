// Endpoints whose constants live in another file of the workspace: Python modules (from-import, module
// attribute, packages, relative and star imports), Java static imports and same-package classes, C
// #defines in included headers, Go package constants in sibling files and imported packages, JS/TS
// imports; cycles and over-deep chains stay unknown, and editing the config file rescans its users.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkspaceScanIndex, type SourceFiles } from '../../src/core/scan';

function workspace(files: Record<string, string>): { index: WorkspaceScanIndex; files: Map<string, string> } {
  const map = new Map(Object.entries(files));
  let listed = [...map.keys()];
  const source: SourceFiles = {
    read: (path) => map.get(path),
    list: () => {
      if (listed.length !== map.size) listed = [...map.keys()];
      return listed;
    },
  };
  const index = new WorkspaceScanIndex({ files: source });
  for (const [path, text] of map) index.update(path, text);
  return { index, files: map };
}

function uses(index: WorkspaceScanIndex, path: string): string[] {
  return (index.resultFor(path)?.uses ?? []).map(
    (u) => `${u.action} ${u.socketType ?? '-'} ${u.endpoint.resolved ? u.endpoint.address : `?${u.endpoint.expression}`}`,
  );
}

test('Python: from-import, module attribute, package module with alias, relative and star imports', () => {
  const { index } = workspace({
    '/w/app/settings.py': 'QUOTES = "tcp://*:5600"\nHOST = "quotes.internal"\nPORT = 5600\n',
    '/w/app/config/__init__.py': '',
    '/w/app/config/ports.py': 'from ..settings import PORT\nFEED = PORT + 1\n',
    '/w/app/base.py': 'TRADES = "tcp://localhost:5700"\n',
    '/w/app/everything.py': 'from base import *\n',
    '/w/app/server.py': 'import zmq\nfrom settings import QUOTES\nctx = zmq.Context()\npub = ctx.socket(zmq.PUB)\npub.bind(QUOTES)\n',
    '/w/app/client.py': [
      'import zmq',
      'import settings',
      'import config.ports as ports',
      'from everything import TRADES',
      'sub = zmq.Context().socket(zmq.SUB)',
      'sub.connect(f"tcp://{settings.HOST}:{settings.PORT}")',
      'sub.connect("tcp://localhost:%d" % ports.FEED)',
      'sub.connect(TRADES)',
    ].join('\n'),
  });
  assert.deepEqual(uses(index, '/w/app/server.py'), ['bind PUB tcp://*:5600']);
  assert.deepEqual(uses(index, '/w/app/client.py'), [
    'connect SUB tcp://quotes.internal:5600',
    'connect SUB tcp://localhost:5601',
    'connect SUB tcp://localhost:5700',
  ]);
  assert.deepEqual(index.resultFor('/w/app/client.py')?.dependencies, [
    '/w/app/config/ports.py',
    '/w/app/everything.py',
    '/w/app/settings.py',
  ]);
});

test('Java: static import, static import on demand, a class of the same package, an imported class', () => {
  const { index } = workspace({
    '/w/src/main/java/com/acme/Endpoints.java':
      'package com.acme;\npublic final class Endpoints {\n  public static final String QUOTES = ' +
      '"tcp://*:" + Ports.QUOTES;\n  public static final String TRADES = "tcp://localhost:5701";\n}\n',
    '/w/src/main/java/com/acme/Ports.java': 'package com.acme;\npublic final class Ports { public static final int QUOTES = 5601; }\n',
    '/w/src/main/java/com/acme/cfg/Hosts.java':
      'package com.acme.cfg;\npublic class Hosts { public static final String GATEWAY = "gateway"; }\n',
    '/w/src/main/java/com/acme/Server.java': [
      'package com.acme;',
      'import org.zeromq.*;',
      'import static com.acme.Endpoints.QUOTES;',
      'import com.acme.cfg.Hosts;',
      'public class Server { public static void main(String[] a) {',
      '  ZMQ.Socket pub = ctx.createSocket(SocketType.PUB); pub.bind(QUOTES);',
      '  ZMQ.Socket sub = ctx.createSocket(SocketType.SUB); sub.connect(Endpoints.TRADES);',
      '  ZMQ.Socket req = ctx.createSocket(SocketType.REQ); req.connect("tcp://" + Hosts.GATEWAY + ":" + Ports.QUOTES);',
      '} }',
    ].join('\n'),
    '/w/src/main/java/com/acme/client/Client.java':
      'package com.acme.client;\nimport org.zeromq.*;\nimport static com.acme.Endpoints.*;\nclass ' +
      'Client { void run() { ZMQ.Socket s = ctx.createSocket(SocketType.SUB); s.connect(TRADES); } }\n',
  });
  assert.deepEqual(uses(index, '/w/src/main/java/com/acme/Server.java'), [
    'bind PUB tcp://*:5601',
    'connect SUB tcp://localhost:5701',
    'connect REQ tcp://gateway:5601',
  ]);
  assert.deepEqual(uses(index, '/w/src/main/java/com/acme/client/Client.java'), ['connect SUB tcp://localhost:5701']);
});

test('C/C++: #define in an included header (and a header it includes), a namespace constant', () => {
  const { index } = workspace({
    '/w/include/ports.h': '#pragma once\n#define QUOTES_PORT "5602"\n',
    '/w/src/endpoints.h':
      '#include "../include/ports.h"\n#define QUOTES_BIND "tcp://*:" QUOTES_PORT\n#define QUOTES_CONNECT "tcp://localhost:" QUOTES_PORT\n',
    '/w/src/config.hpp': 'namespace Config { const char *TRADES = "tcp://*:5702"; }\n',
    '/w/src/server.c':
      '#include <zmq.h>\n#include "endpoints.h"\nint main(void) {\n  void *pub = zmq_socket(ctx, ZMQ_PUB);\n  zmq_bind(pub, QUOTES_BIND);\n  return 0;\n}\n',
    '/w/src/client.cpp':
      '#include <zmq.hpp>\n#include "endpoints.h"\n#include "config.hpp"\nint main() {\n  zmq::socket_t s(ctx, ' +
      'ZMQ_SUB); s.connect(QUOTES_CONNECT);\n  zmq::socket_t p(ctx, ZMQ_PUB); p.bind(Config::TRADES);\n}\n',
  });
  assert.deepEqual(uses(index, '/w/src/server.c'), ['bind PUB tcp://*:5602']);
  assert.deepEqual(uses(index, '/w/src/client.cpp'), ['connect SUB tcp://localhost:5602', 'bind PUB tcp://*:5702']);
});

test('Go: a package-level const of a sibling file, and of an imported package of the module', () => {
  const { index } = workspace({
    '/w/cmd/quotes/endpoints.go': 'package main\n\nconst (\n\tquotesPort = 5603\n\tquotesBind = "tcp://*:5603"\n)\n',
    '/w/cmd/quotes/main.go':
      'package main\nimport zmq "github.com/pebbe/zmq4"\nfunc main() {\n\ts, _ := zmq.NewSocket(zmq.PUB)\n\ts.Bind(quotesBind)\n}\n',
    '/w/internal/config/config.go': 'package config\n\nconst TradesAddr = "tcp://localhost:5703"\n',
    '/w/cmd/trader/main.go':
      'package main\nimport (\n\tzmq "github.com/pebbe/zmq4"\n\t"example.com/app/internal/config"\n)\nfunc ' +
      'main() {\n\ts, _ := zmq.NewSocket(zmq.SUB)\n\ts.Connect(config.TradesAddr)\n}\n',
    '/w/cmd/other/main.go':
      'package main\nimport zmq "github.com/pebbe/zmq4"\nfunc main() {\n\ts, _ := zmq.NewSocket(zmq.SUB)\n\ts.Connect(quotesBind)\n}\n',
  });
  assert.deepEqual(uses(index, '/w/cmd/quotes/main.go'), ['bind PUB tcp://*:5603']);
  assert.deepEqual(uses(index, '/w/cmd/trader/main.go'), ['connect SUB tcp://localhost:5703']);
  assert.deepEqual(uses(index, '/w/cmd/other/main.go'), ['connect SUB ?quotesBind'], 'another package does not see it');
});

test('JavaScript/TypeScript: named imports, namespace imports, require with destructuring', () => {
  const { index } = workspace({
    '/w/src/config.ts': 'export const QUOTES = "tcp://*:5604"\nexport const PORT = 5704\n',
    '/w/src/legacy.js': 'exports.TRADES = "tcp://localhost:5705"\n',
    '/w/src/server.ts':
      'import { Publisher, Subscriber } from "zeromq"\nimport { QUOTES } from "./config"\nimport * as cfg from "./config"\nconst ' +
      'pub = new Publisher()\nawait pub.bind(QUOTES)\nconst sub = new Subscriber()\nsub.connect(`tcp://localhost:${cfg.PORT}`)\n',
    '/w/src/old.js':
      'const zmq = require("zeromq")\nconst { TRADES } = require("./legacy")\nconst s = zmq.socket("sub")\ns.connect(TRADES)\n',
  });
  assert.deepEqual(uses(index, '/w/src/server.ts'), ['bind PUB tcp://*:5604', 'connect SUB tcp://localhost:5704']);
  assert.deepEqual(uses(index, '/w/src/old.js'), ['connect SUB tcp://localhost:5705']);
});

test('a cycle of imports and a chain deeper than four files stay unknown, and terminate', () => {
  const chain: Record<string, string> = {};
  for (let i = 0; i < 8; i++) chain[`/w/m${i}.py`] = i === 7 ? 'X = "tcp://*:5605"\n' : `from m${i + 1} import X\n`;
  const { index } = workspace({
    ...chain,
    '/w/a.py': 'from b import Y\nX = Y\n',
    '/w/b.py': 'from a import X\nY = X\n',
    '/w/deep.py': 'import zmq\nfrom m0 import X\ns = zmq.Context().socket(zmq.PUB)\ns.bind(X)\n',
    '/w/shallow.py': 'import zmq\nfrom m4 import X\ns = zmq.Context().socket(zmq.PUB)\ns.bind(X)\n',
    '/w/loop.py': 'import zmq\nfrom a import X\ns = zmq.Context().socket(zmq.PUB)\ns.bind(X)\n',
  });
  assert.deepEqual(uses(index, '/w/deep.py'), ['bind PUB ?X']);
  assert.deepEqual(uses(index, '/w/shallow.py'), ['bind PUB tcp://*:5605']);
  assert.deepEqual(uses(index, '/w/loop.py'), ['bind PUB ?X']);
});

test('a wrong pairing across files is an error; editing the config module rescans the files that used it', () => {
  const { index, files } = workspace({
    '/w/svc/endpoints.py': 'QUOTES = "tcp://*:5606"\nQUOTES_CONNECT = "tcp://localhost:5606"\n',
    '/w/svc/publisher.py': 'import zmq\nfrom endpoints import QUOTES\npub = zmq.Context().socket(zmq.PUB)\npub.bind(QUOTES)\n',
    '/w/svc/requester.py':
      'import zmq\nfrom endpoints import QUOTES_CONNECT\nreq = zmq.Context().socket(zmq.REQ)\nreq.connect(QUOTES_CONNECT)\n',
  });
  const problems = () =>
    index.verdicts().flatMap((v) => v.findings.filter((f) => f.severity !== 'info').map((f) => `${f.severity} ${f.code} ${f.range.file}`));
  assert.deepEqual(problems(), ['error incompatible-types /w/svc/requester.py']);
  const edited = 'QUOTES = "tcp://*:5607"\nQUOTES_CONNECT = "tcp://localhost:5606"\n';
  files.set('/w/svc/endpoints.py', edited);
  assert.equal(index.update('/w/svc/endpoints.py', edited), true);
  assert.deepEqual(uses(index, '/w/svc/publisher.py'), ['bind PUB tcp://*:5607']);
  assert.deepEqual(problems(), []);
});
