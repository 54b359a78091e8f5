// A generated 10,000-file workspace for the scan benchmarks: about 5% with ZeroMQ code in the nine
// languages, the rest ordinary code of similar sizes. Deterministic: every run builds the same files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FILE_COUNT = 10_000;
const ZEROMQ_SHARE = 0.05;

/** Deterministic pseudo-random numbers, so every run builds the same workspace. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

const ZEROMQ_TEMPLATES: Array<[string, (port: number, n: number) => string]> = [
  [
    'py',
    (p, n) =>
      `import zmq\n\nPORT = ${p}\n\n\ndef serve_${n}():\n    ctx = zmq.Context()\n    sock = ` +
      `ctx.socket(zmq.PUB)\n    sock.bind(f"tcp://*:{PORT}")\n    # sock.bind("tcp://*:1")\n    return ` +
      `sock\n`,
  ],
  [
    'py',
    (p, n) =>
      `import os\nimport zmq.asyncio\n\nasync def client_${n}():\n    sub = ` +
      `zmq.asyncio.Context().socket(zmq.SUB)\n    sub.connect("tcp://localhost:%d" % ${p})\n    ` +
      `sub.connect(os.environ["EXTRA_${n}"])\n`,
  ],
  [
    'c',
    (p) =>
      `#include <zmq.h>\n#define ENDPOINT "tcp://*:${p}"\nint main(void) {\n  void *ctx = ` +
      `zmq_ctx_new();\n  void *rep = zmq_socket(ctx, ZMQ_REP);\n  zmq_bind(rep, ENDPOINT);\n  return ` +
      `0;\n}\n`,
  ],
  [
    'cpp',
    (p) =>
      `#include <zmq.hpp>\nconst int port = ${p};\nint main() {\n  zmq::context_t ctx;\n  zmq::socket_t ` +
      `req(ctx, zmq::socket_type::req);\n  req.connect("tcp://localhost:" + std::to_string(port));\n}\n`,
  ],
  [
    'js',
    (p) =>
      `const zmq = require("zeromq")\nconst PORT = ${p}\nasync function run() {\n  const sock = new ` +
      `zmq.Push()\n  await sock.bind(\`tcp://*:\${PORT}\`)\n}\nmodule.exports = { run }\n`,
  ],
  [
    'ts',
    (p) =>
      `import { Pull } from "zeromq"\nexport async function work(): Promise<void> {\n  const pull = new ` +
      `Pull()\n  pull.connect("tcp://127.0.0.1:" + ${p})\n  for await (const [m] of pull) ` +
      `console.log(m.toString())\n}\n`,
  ],
  [
    'go',
    (p) =>
      `package main\n\nimport (\n\t"fmt"\n\tzmq "github.com/pebbe/zmq4"\n)\n\nconst port = ${p}\n\nfunc ` +
      `main() {\n\ts, _ := zmq.NewSocket(zmq.ROUTER)\n\ts.Bind(fmt.Sprintf("tcp://*:%d", port))\n}\n`,
  ],
  [
    'java',
    (p, n) =>
      `import org.zeromq.*;\npublic class Dealer${n} {\n  static final int PORT = ${p};\n  public static ` +
      `void main(String[] a) {\n    try (ZContext c = new ZContext()) {\n      ZMQ.Socket d = ` +
      `c.createSocket(SocketType.DEALER);\n      d.connect("tcp://localhost:" + PORT);\n    }\n  }\n}\n`,
  ],
  [
    'cs',
    (p, n) =>
      `using NetMQ.Sockets;\nclass Svc${n} {\n  const int Port = ${p};\n  static void Main() {\n    using ` +
      `var rep = new ResponseSocket($"@tcp://*:{Port}");\n  }\n}\n`,
  ],
  [
    'rs',
    (p) =>
      `const PORT: u16 = ${p};\nfn main() {\n    let ctx = zmq::Context::new();\n    let s = ` +
      `ctx.socket(zmq::SUB).unwrap();\n    s.connect(&format!("tcp://localhost:{}", PORT)).unwrap();\n}\n`,
  ],
];

const ORDINARY_EXTENSIONS = ['py', 'c', 'cpp', 'js', 'ts', 'go', 'java', 'cs', 'rs', 'ts', 'py', 'js'];

/** Plausible ordinary code (functions, strings, comments), padded to a target size. */
function ordinaryCode(ext: string, n: number, size: number, random: () => number): string {
  const lines: string[] = [];
  const comment = ext === 'py' ? '#' : '//';
  let length = 0;
  for (let i = 0; length < size; i++) {
    const v = Math.floor(random() * 1000);
    const block =
      ext === 'py'
        ? `${comment} helper ${i} for module ${n}\ndef helper_${i}(value, name="item-${v}"):\n    if value > ` +
          `${v}:\n        return f"{name}: {value}"\n    return str(value * ${i})\n`
        : `${comment} helper ${i} for module ${n}\nfunction helper_${i}(value) {\n  const name = ` +
          `"item-${v}";\n  if (value > ${v}) { return name + ": " + value; }\n  return String(value * ${i}); ` +
          `/* keep ${v} */\n}\n`;
    lines.push(block);
    length += block.length;
  }
  return lines.join('\n');
}

/** Writes the workspace under `root` and returns the paths of its files. */
export function generateWorkspace(root: string): string[] {
  const random = rng(42);
  const paths: string[] = [];
  for (let i = 0; i < FILE_COUNT; i++) {
    const dir = join(root, `pkg${i % 50}`, `mod${Math.floor(i / 50) % 20}`);
    mkdirSync(dir, { recursive: true });
    let path: string;
    let text: string;
    if (random() < ZEROMQ_SHARE) {
      const [ext, template] = ZEROMQ_TEMPLATES[i % ZEROMQ_TEMPLATES.length];
      const port = 20000 + Math.floor(random() * 400);
      // Real services carry ordinary code around their sockets: pad to a similar size (C-like padding
      // tokenizes in every C-family language, so the scanner reads all of it).
      text = template(port, i) + '\n' + ordinaryCode(ext === 'py' ? 'py' : 'js', i, 1000 + random() * 5000, random);
      path = join(dir, `service${i}.${ext}`);
    } else {
      const ext = ORDINARY_EXTENSIONS[i % ORDINARY_EXTENSIONS.length];
      text = ordinaryCode(ext === 'py' ? 'py' : 'js', i, 1000 + random() * 5000, random);
      path = join(dir, `file${i}.${ext}`);
    }
    writeFileSync(path, text);
    paths.push(path);
  }
  return paths;
}
