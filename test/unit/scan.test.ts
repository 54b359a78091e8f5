// The source scanner: sockets and bind/connect calls per language, endpoint resolution (and refusing to
// guess), comments and strings ignored, exact ranges; checked on snippets and on the fixture workspace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isScannableFile, languageOfFile, mightUseZeroMQ, scanSource, type ScanResult } from '../../src/core/scan';

// Bundled to out/test/unit/, so the fixtures are three folders up.
const FIXTURE = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'workspace');

/** One line per socket and per use: `PUB pub 5` and `bind pub PUB tcp://*:5555 7:9-26` (1-based line, 0-based characters). */
function project(result: ScanResult) {
  return {
    program: result.program,
    sockets: result.sockets.map((s) => `${s.type} ${s.variable ?? '-'} ${s.range.line + 1}`),
    uses: result.uses.map((u) => {
      const endpoint = u.endpoint.resolved ? u.endpoint.address : `?${u.endpoint.expression}`;
      const span = `${u.range.line + 1}:${u.range.character}-${u.range.endLine !== u.range.line ? `${u.range.endLine + 1}:` : ''}${u.range.endCharacter}`;
      return `${u.action} ${u.variable ?? '-'} ${u.socketType ?? '-'} ${endpoint} ${span}`;
    }),
  };
}

function uses(path: string, text: string): string[] {
  return scanSource(path, text).uses.map(
    (u) => `${u.action} ${u.socketType ?? '-'} ${u.endpoint.resolved ? u.endpoint.address : `?${u.endpoint.expression}`}`,
  );
}

test('python: sockets, f-string / % / format / concatenation, `with ... as`, chained bind, asyncio', () => {
  const text = [
    'import zmq, zmq.asyncio, os',
    'PORT = 5555',
    'HOST: str = "127.0.0.1"',
    'ctx = zmq.Context()',
    'pub = ctx.socket(zmq.PUB)',
    'pub.bind(f"tcp://*:{PORT}")',
    'with ctx.socket(zmq.REQ) as req:',
    '    req.connect("tcp://%s:%d" % (HOST, PORT))',
    '    req.connect("tcp://{}:{}".format(HOST, PORT + 1))',
    '    req.connect("tcp://" + HOST + ":" + str(PORT))',
    '    req.connect(r"ipc:///tmp/a\\b" "c")',
    'sub = zmq.asyncio.Context().socket(zmq.SUB)',
    'ctx.socket(zmq.PUSH).bind("ipc:///tmp/x")',
  ].join('\n');
  assert.deepEqual(project(scanSource('a.py', text)), {
    program: 'a.py', // a script: it creates sockets at the top level
    sockets: ['PUB pub 5', 'REQ req 7', 'SUB sub 12', 'PUSH - 13'],
    uses: [
      'bind pub PUB tcp://*:5555 6:9-26',
      'connect req REQ tcp://127.0.0.1:5555 8:16-44',
      'connect req REQ tcp://127.0.0.1:5556 9:16-52',
      'connect req REQ tcp://127.0.0.1:5555 10:16-49',
      'connect req REQ ipc:///tmp/a\\bc 11:16-37',
      'bind - PUSH ipc:///tmp/x 13:26-40',
    ],
  });
});

test('python: endpoints from the environment, parameters, loops, reassignment or += stay unresolved', () => {
  const text = [
    'import os, zmq',
    'ADDR = "tcp://localhost:1"',
    'if os.environ.get("X"):',
    '    ADDR = os.environ["X"]',
    'BASE = "tcp://h:"',
    'BASE += "2"',
    's = zmq.Context().socket(zmq.DEALER)',
    's.connect(ADDR)',
    's.connect(BASE)',
    'def serve(port=5555):',
    '    s.connect(f"tcp://localhost:{port}")',
    'for p in (1, 2):',
    '    s.connect("tcp://localhost:%d" % p)',
    's.connect(os.environ.get("Y", "tcp://localhost:3"))',
    's.connect(f"tcp://localhost:{PORT!r}")',
  ].join('\n');
  assert.deepEqual(uses('b.py', text), [
    'connect DEALER ?ADDR',
    'connect DEALER ?BASE',
    'connect DEALER ?f"tcp://localhost:{port}"',
    'connect DEALER ?"tcp://localhost:%d" % p',
    'connect DEALER ?os.environ.get("Y", "tcp://localhost:3")',
    'connect DEALER ?f"tcp://localhost:{PORT!r}"',
  ]);
});

test('comments, docstrings and strings that look like calls are not sockets or binds', () => {
  const python = '"""s = ctx.socket(zmq.PUB); s.bind("tcp://*:1")"""\nimport zmq\n# s.bind("tcp://*:2")\nx = "s.bind(\'tcp://*:3\')"\n';
  assert.deepEqual(project(scanSource('c.py', python)), { program: undefined, sockets: [], uses: [] });
  const c =
    '#include <zmq.h>\n/* zmq_bind(s, "tcp://*:1");\n void *p = zmq_socket(c, ZMQ_PUB); ' +
    '*/\n// zmq_connect(s, "tcp://x:2");\nconst char *d = "zmq_bind(s, \\"tcp://*:3\\")";\n';
  assert.deepEqual(project(scanSource('c.c', c)), { program: undefined, sockets: [], uses: [] });
  // A plain TCP socket's bind with a non-ZeroMQ address is not reported.
  assert.deepEqual(uses('d.py', 'import socket, zmq\nsrv = socket.socket()\nsrv.bind(("0.0.0.0", 80))\n'), []);
});

test('C: #define with adjacent literals, snprintf buffers, argv unresolved, main is an entry point', () => {
  const text = [
    '#include <zmq.h>',
    '#define EP "tcp://*:" "5560"',
    'int main(int argc, char **argv) {',
    '  void *pub = zmq_socket(ctx, ZMQ_PUB);',
    '  char ep[64];',
    '  snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", 5561);',
    '  int rc = zmq_bind(pub, EP);',
    '  assert(zmq_connect(pub, ep) == 0);',
    '  zmq_connect(pub, argv[1]);',
    '}',
  ].join('\n');
  assert.deepEqual(project(scanSource('/w/svc/p.c', text)), {
    program: '/w/svc/p.c',
    sockets: ['PUB pub 4'],
    uses: ['bind pub PUB tcp://*:5560 7:25-27', 'connect pub PUB tcp://127.0.0.1:5561 8:26-28', 'connect pub PUB ?argv[1] 9:19-26'],
  });
});

test('C++: cppzmq declarations, socket_type and ZMQ_ constants, std::to_string, raw strings', () => {
  const text = [
    '#include <zmq.hpp>',
    'const int port = 5570;',
    'int main() { zmq::context_t ctx; zmq::socket_t sock(ctx, zmq::socket_type::pub);',
    ' sock.bind("tcp://*:" + std::to_string(port));',
    ' zmq::socket_t s2{ctx, ZMQ_SUB}; s2.connect(std::string("tcp://localhost:5570"));',
    ' auto s3 = zmq::socket_t(ctx, zmq::socket_type::dealer); s3.connect(R"x(tcp://h:1)x"); }',
  ].join('\n');
  assert.deepEqual(project(scanSource('c.cpp', text)), {
    program: 'c.cpp',
    sockets: ['PUB sock 3', 'SUB s2 5', 'DEALER s3 6'],
    uses: ['bind sock PUB tcp://*:5570 4:11-44', 'connect s2 SUB tcp://localhost:5570 5:44-79', 'connect s3 DEALER tcp://h:1 6:68-84'],
  });
});

test('JavaScript/TypeScript: v6 classes, v5 zmq.socket, template literals, regex literals, `this.` receivers', () => {
  const text = [
    'import * as zmq from "zeromq"',
    'const port = 5580',
    'const re = /\'"`/g',
    'async function run() {',
    '  const sock = new zmq.Publisher()',
    '  await sock.bind(`tcp://127.0.0.1:${port}`)',
    '  const s2 = zmq.socket(\'sub\'); s2.connect("tcp://localhost:" + port)',
    '  this.r = new Reply({}); await this.r.bind(process.env.X ?? "tcp://*:1")',
    '  s2.bindSync(`ipc:///tmp/${port + 1}`)',
    '}',
  ].join('\n');
  assert.deepEqual(project(scanSource('d.ts', text)), {
    program: undefined,
    sockets: ['PUB sock 5', 'SUB s2 7', 'REP this.r 8'],
    uses: [
      'bind sock PUB tcp://127.0.0.1:5580 6:18-43',
      'connect s2 SUB tcp://localhost:5580 7:43-68',
      'bind this.r REP ?process.env.X ?? "tcp://*:1" 8:44-72',
      'bind s2 SUB ipc:///tmp/5581 9:14-38',
    ],
  });
});

test('Go: pebbe NewSocket with Sprintf, go-zeromq NewX with Dial/Listen, const blocks; net.Listen is ignored', () => {
  const text = [
    'package main',
    'import ("fmt"; zmq "github.com/pebbe/zmq4"; "github.com/go-zeromq/zmq4")',
    'const (',
    '  port = 5590',
    '  host string = "localhost"',
    ')',
    'func main() {',
    '  s, _ := zmq.NewSocket(zmq.PUSH)',
    '  s.Bind(fmt.Sprintf("tcp://*:%d", port))',
    '  p := zmq4.NewPull(ctx)',
    '  p.Dial("tcp://" + host + ":" + strconv.Itoa(port))',
    '  r := zmq4.NewRouter(ctx); r.Listen(os.Getenv("ROUTER_ADDR"))',
    '  net.Listen("tcp", ":80")',
    '}',
  ].join('\n');
  assert.deepEqual(project(scanSource('cmd/vent/main.go', text)), {
    program: 'cmd/vent',
    sockets: ['PUSH s 8', 'PULL p 10', 'ROUTER r 12'],
    uses: [
      'bind s PUSH tcp://*:5590 9:9-40',
      'connect p PULL tcp://localhost:5590 11:9-51',
      'bind r ROUTER ?os.Getenv("ROUTER_ADDR") 12:37-61',
    ],
  });
});

test('Java, C# (NetMQ @/> prefixes and defaults), Rust (format!, lifetimes)', () => {
  const java =
    'import org.zeromq.*;\nclass A { static final int PORT = 5600;\n public static ' +
    'void main(String[] a) {\n  ZMQ.Socket s = c.createSocket(SocketType.ROUTER); ' +
    's.bind("tcp://*:" + PORT);\n  ZMQ.Socket d = c.socket(ZMQ.DEALER); d.connect(String.format("tcp://localhost:%d", A.PORT)); } }';
  assert.deepEqual(uses('A.java', java), ['bind ROUTER tcp://*:5600', 'connect DEALER tcp://localhost:5600']);

  const csharp = [
    'using NetMQ; using NetMQ.Sockets;',
    'class P { const int Port = 5610; static void Main() {',
    ' using var rep = new ResponseSocket($"@tcp://*:{Port}");',
    ' using (var req = new RequestSocket(">tcp://localhost:5610,@inproc://x")) {}',
    ' var pull = new PullSocket("tcp://*:5612"); var push = new PushSocket(address);',
    ' var pub = new PublisherSocket(); pub.Bind(@"tcp://*:5611"); var sub = new ' +
      'SubscriberSocket(); sub.Connect(string.Format("tcp://localhost:{0}", 5611)); } }',
  ].join('\n');
  assert.deepEqual(uses('P.cs', csharp), [
    'bind REP tcp://*:5610',
    'connect REQ tcp://localhost:5610',
    'bind REQ inproc://x',
    'bind PULL tcp://*:5612',
    'connect PUSH ?address',
    'bind PUB tcp://*:5611',
    'connect SUB tcp://localhost:5611',
  ]);

  const rust = [
    'const PORT: u16 = 5620;',
    'fn main() { let ctx = zmq::Context::new(); let s = ctx.socket(zmq::REP).unwrap();',
    '  s.bind(&format!("tcp://*:{}", PORT)).unwrap(); let lt: &\'static str = "x";',
    '  let r = ctx.socket(zmq::REQ)?; r.connect(&format!("tcp://localhost:{PORT}")).expect("c");',
    '  r.connect(&format!("tcp://localhost:{:?}", PORT)).unwrap(); }',
  ].join('\n');
  assert.deepEqual(uses('main.rs', rust), [
    'bind REP tcp://*:5620',
    'connect REQ tcp://localhost:5620',
    'connect REQ ?&format!("tcp://localhost:{:?}", PORT)',
  ]);
});

test('a use is tied to the nearest earlier socket of that name, even when the name is reused', () => {
  const text = 'import zmq\ns = ctx.socket(zmq.PUB)\ns.bind("tcp://*:1")\ns = ctx.socket(zmq.SUB)\ns.connect("tcp://h:1")\n';
  assert.deepEqual(uses('e.py', text), ['bind PUB tcp://*:1', 'connect SUB tcp://h:1']);
});

test('ranges are 0-based lines and UTF-16 characters of the endpoint argument, as vscode.Range', () => {
  const text = 'import zmq\n# é\ns = zmq.Context().socket(zmq.PUB)\ns.bind( "tcp://*:5555" )\n';
  const result = scanSource('/ws/f.py', text);
  assert.deepEqual(result.uses[0].range, { file: '/ws/f.py', line: 3, character: 8, endLine: 3, endCharacter: 22 });
  assert.deepEqual(result.sockets[0].range, { file: '/ws/f.py', line: 2, character: 4, endLine: 2, endCharacter: 33 });
});

test('file selection: languages by extension, dependency folders skipped, prefilter on zmq/zeromq/NetMQ', () => {
  assert.equal(languageOfFile('a/b.py'), 'python');
  assert.equal(languageOfFile('x.hpp'), 'cpp');
  assert.equal(languageOfFile('x.mjs'), 'javascript');
  assert.equal(languageOfFile('x.d.ts'), undefined);
  assert.equal(languageOfFile('README.md'), undefined);
  assert.equal(isScannableFile('/w/src/main.rs'), true);
  assert.equal(isScannableFile('/w/src/bin/tool.rs'), true);
  assert.equal(isScannableFile('/w/node_modules/zeromq/lib/index.js'), false);
  assert.equal(isScannableFile('node_modules/x.js'), false);
  assert.equal(isScannableFile('/w/.venv/lib/zmq/sugar/socket.py'), false);
  // Skipped folders are looked for inside the workspace folder, not above it.
  assert.equal(isScannableFile('/home/me/build/examples/hwserver.py', ['/home/me/build/examples']), true);
  assert.equal(isScannableFile('/srv/out/ws/src/main.go', ['/srv/out', '/srv/out/ws']), true);
  assert.equal(isScannableFile('/home/me/build/examples/build/gen.py', ['/home/me/build/examples']), false);
  assert.equal(isScannableFile('C:\\work\\target\\app\\main.rs', ['C:\\work\\target\\app']), true);
  assert.equal(mightUseZeroMQ('using NetMQ;'), true);
  assert.equal(mightUseZeroMQ('require("zeromq")'), true);
  assert.equal(mightUseZeroMQ('import socket\ns.bind(("0.0.0.0", 1))'), false);
  // Without a ZeroMQ mention the file is not tokenized at all, even if it has socket-shaped calls.
  assert.deepEqual(scanSource('f.py', 'import other as z\ns = c.socket(z.PUB)\ns.bind("tcp://*:1")').sockets, []);
});

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
}

test('fixture workspace: every socket and bind/connect, with resolved or unresolved endpoints', () => {
  const scanned: Record<string, ReturnType<typeof project>> = {};
  for (const path of walk(FIXTURE)) {
    const file = relative(FIXTURE, path).split('\\').join('/');
    if (!isScannableFile(file)) continue;
    scanned[file] = project(scanSource(file, readFileSync(path, 'utf8')));
  }
  assert.deepEqual(scanned, {
    'c/hello_server.c': { program: 'c/hello_server.c', sockets: ['REP responder 10'], uses: ['bind responder REP tcp://*:5555 11:33-48'] },
    'c/ticker.c': {
      program: 'c/ticker.c',
      sockets: ['PUB ticker 9', 'SUB upstream 14'],
      uses: ['bind ticker PUB tcp://*:5560 12:21-29', 'connect upstream SUB ?argv[1] 15:26-33'],
    },
    'csharp/Service.cs': { program: 'csharp/Service.cs', sockets: ['REP server 11'], uses: ['bind server REP tcp://*:5580 11:46-64'] },
    'go/ventilator/main.go': { program: 'go/ventilator', sockets: ['PUSH sender 13'], uses: ['bind sender PUSH tcp://*:5557 15:13-54'] },
    'go/worker/main.go': { program: 'go/worker', sockets: ['PULL pull 13'], uses: ['connect pull PULL tcp://localhost:5557 15:21-43'] },
    'java/Client.java': {
      program: 'java/Client.java',
      sockets: ['DEALER dealer 11'],
      uses: ['connect dealer DEALER tcp://localhost:5580 12:27-76'],
    },
    'js/hello_client.js': {
      program: 'js/hello_client.js',
      sockets: ['REQ sock 8'],
      uses: ['connect sock REQ tcp://127.0.0.1:5555 9:15-40'],
    },
    'js/stats.mjs': { program: undefined, sockets: ['PUB publisher 7'], uses: ['bind publisher PUB tcp://*:5570 8:23-45'] },
    'python/env_client.py': {
      program: 'python/env_client.py',
      sockets: ['SUB feed 8'],
      uses: [
        'connect feed SUB ?os.environ["FEED_ADDR"] 9:13-36',
        'connect feed SUB ?sys.argv[1] if len(sys.argv) > 1 else "tcp://localhost:7000" 10:13-73',
        'connect feed SUB tcp://feeds.example.com:6000 11:13-43',
        'connect feed SUB ?address 16:13-20',
      ],
    },
    'python/pipeline_a.py': { program: 'python/pipeline_a.py', sockets: ['PAIR jobs 5'], uses: ['bind jobs PAIR inproc://jobs 6:10-25'] },
    'python/pipeline_b.py': {
      program: 'python/pipeline_b.py',
      sockets: ['PAIR jobs 5'],
      uses: ['connect jobs PAIR inproc://jobs 6:13-28'],
    },
    'python/stats_exporter.py': {
      program: 'python/stats_exporter.py',
      sockets: ['PUB exporter 6'],
      uses: ['bind exporter PUB tcp://0.0.0.0:5570 7:14-27'],
    },
    'python/ticker_client.py': {
      program: 'python/ticker_client.py',
      sockets: ['REQ request 8'],
      uses: ['connect request REQ tcp://localhost:5560 9:20-66'],
    },
    'python/weather_client.py': {
      program: 'python/weather_client.py',
      sockets: ['SUB sub 12'],
      uses: ['connect sub SUB tcp://localhost:5556 13:16-22'],
    },
    'python/weather_server.py': {
      program: 'python/weather_server.py',
      sockets: ['PUB publisher 13'],
      uses: ['bind publisher PUB tcp://*:5556 14:19-36'],
    },
    'python/worker.py': {
      program: 'python/worker.py',
      sockets: ['PULL self.receiver 9'],
      uses: ['connect self.receiver PULL tcp://127.0.0.1:5557 10:30-68'],
    },
    'rust/src/main.rs': {
      program: 'rust/src/main.rs',
      sockets: ['REQ requester 6'],
      uses: ['connect requester REQ tcp://localhost:5555 7:22-65'],
    },
  });
});

test('truncated sources (unterminated strings, comments, brackets, f-strings) are scanned, never fail', () => {
  const extra = [
    'import zmq\nf"tcp://{',
    'import zmq\ns.bind(`${',
    'zmq\n$@"{{',
    'zmq r#"abc',
    'zmq R"x(',
    "zmq 'a",
    'zmq /* /* */',
    'zmq\nx = /[/',
  ];
  const texts = [
    ...walk(FIXTURE).map((p) => [p, readFileSync(p, 'utf8')] as const),
    ...extra.map((t, i) => [['a.py', 'a.ts', 'a.cs', 'a.rs', 'a.cpp', 'a.c', 'a.rs', 'a.js'][i], t] as const),
  ];
  let scanned = 0;
  for (const [path, text] of texts) {
    for (let end = 0; end <= text.length; end += 5) {
      const result = scanSource(path, text.slice(0, end) + (end % 2 ? '' : '\nzmq'));
      assert.equal(result.skipped, undefined, `${path} cut at ${end}`);
      scanned++;
    }
  }
  assert.ok(scanned > 1000);
});
