// Writes the topology test workspaces: the corpus (many unrelated, correct programs per language that
// reuse the same ports, one folder per language, like a book's examples folder) and the seeded workspace
// (one wrong pairing per binding and per cross-file constant form, each of which must be an error).
// Both come with a manifest of what a scanner should find: every socket with its file, line and type.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SocketTypeName } from '../../src/core/types';
import { PORT_NAMES, ROLES, portsModule, type ProgramSpec, type RenderedFile } from './corpusPrograms';
import { renderCSharp, renderJava } from './corpusManaged';
import { renderC, renderCpp, renderGo, renderRust } from './corpusNative';
import { renderJavaScript, renderPython } from './corpusScripts';

export type CorpusLanguage = 'python' | 'c' | 'cpp' | 'javascript' | 'go' | 'java' | 'csharp' | 'rust';

type Render = (program: ProgramSpec, variant: number, name: string, roleIndex: number) => RenderedFile[];

/** Each language, its renderer, and how many bindings (libraries or flavours) it rotates through. */
export const LANGUAGES: Record<CorpusLanguage, { render: Render; libraries: string[] }> = {
  python: { render: renderPython, libraries: ['pyzmq main()', 'pyzmq script', 'pyzmq asyncio'] },
  c: { render: renderC, libraries: ['libzmq', 'czmq zsock', 'czmq zsocket'] },
  cpp: { render: renderCpp, libraries: ['cppzmq socket_type', 'cppzmq ZMQ_', 'cppzmq initialiser list', 'zmqpp'] },
  javascript: { render: renderJavaScript, libraries: ['zeromq.js v6', 'zeromq.js v6 (TypeScript)', 'zeromq.js v5'] },
  go: { render: renderGo, libraries: ['pebbe/zmq4', 'goczmq', 'go-zeromq/zmq4'] },
  java: { render: renderJava, libraries: ['JeroMQ ZContext', 'JeroMQ ZMQ.context'] },
  csharp: { render: renderCSharp, libraries: ['NetMQ connection string', 'NetMQ Bind/Connect', 'clrzmq4'] },
  rust: { render: renderRust, libraries: ['zmq crate', 'zeromq crate'] },
};

export interface ExpectedSocket {
  /** Relative to the workspace root, `/`-separated. */
  file: string;
  line: number;
  type: SocketTypeName;
}

export interface CorpusManifest {
  files: number;
  sockets: Record<CorpusLanguage, ExpectedSocket[]>;
}

/** Variants of each role per language: a book has several versions of most examples. */
const VARIANTS = 3;

function write(root: string, path: string, text: string): void {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
}

/** The shared ports module of a language folder, where the renderers' "module" endpoints come from. */
function writePortsModule(root: string, language: CorpusLanguage): number {
  if (language === 'java') {
    write(root, 'java/guide/Ports.java', 'package guide;\n\n' + portsModule('java').text);
    return 1;
  }
  const ports = portsModule(language);
  if (!ports.path || language === 'go') return 0; // Go programs each get a sibling ports.go
  write(root, `${language}/${ports.path}`, ports.text);
  return 1;
}

/** Ordinary files of an examples folder that are no ZeroMQ program (helpers, a README). */
function writeOrdinaryFiles(root: string, language: CorpusLanguage): number {
  const helpers: Record<CorpusLanguage, [string, string]> = {
    python: [
      'zhelpers.py',
      '"""Helpers for the zmq examples."""\nimport binascii\n\ndef dump(msg_or_socket):\n  ' +
        '  """Receives all message parts from a zmq socket and prints them."""\n    return ' +
        '[binascii.hexlify(p) for p in msg_or_socket]\n\nclass App:\n    def connect(self, host, ' +
        'port):\n        return (host, port)\n\napp = App()\napp.connect("tcp://localhost", 5556)\n',
    ],
    c: [
      'zhelpers.h',
      '//  Helpers for the zmq examples\n#include <zmq.h>\n#include <stdlib.h>\nstatic char *s_recv (void *socket) {\n    char buffer ' +
        '[256];\n    int size = zmq_recv (socket, buffer, 255, 0);\n    if (size == -1) return NULL;\n    return strndup (buffer, size);\n}\n',
    ],
    cpp: [
      'zhelpers.hpp',
      '//  Helpers for the zmq examples\n#pragma once\n#include <zmq.hpp>\ninline std::string s_recv (zmq::socket_t ' +
        '&socket) {\n    zmq::message_t message;\n    (void) socket.recv (message);\n    return message.to_string ();\n}\n',
    ],
    javascript: [
      'zhelpers.js',
      '// Helpers for the zmq examples.\nexports.dump = (frames) => frames.map((f) => ' +
        'f.toString("hex"))\nconst db = require("./db")\ndb.connect("localhost", 5432)\n',
    ],
    go: [
      'zhelpers/zhelpers.go',
      '// Helpers for the zmq examples.\npackage zhelpers\n\nimport "fmt"\n\nfunc Dump(parts ' +
        '[][]byte) {\n\tfor _, p := range parts {\n\t\tfmt.Printf("%x\\n", p)\n\t}\n}\n',
    ],
    java: [
      'guide/ZHelper.java',
      'package guide;\n\nimport org.zeromq.ZMQ;\n\npublic class ZHelper {\n    public static ' +
        'void dump(ZMQ.Socket sock) {\n        System.out.println(sock.recvStr());\n    }\n}\n',
    ],
    csharp: [
      'ZHelpers.cs',
      'using System;\nusing NetMQ;\n\nnamespace Examples\n{\n    static class ZHelpers\n    {\n     ' +
        '   public static void Dump(NetMQMessage message) => Console.WriteLine(message);\n    }\n}\n',
    ],
    rust: [
      'src/lib.rs',
      '//! Helpers for the zmq examples.\npub fn dump(parts: &[Vec<u8>]) {\n    for p in parts {\n        println!("{:?}", p);\n    }\n}\n',
    ],
  };
  const [path, text] = helpers[language];
  write(root, `${language}/${path}`, text);
  write(root, `${language}/README.md`, `Examples of the ZeroMQ guide in ${language}. Ports: ${Object.keys(PORT_NAMES).join(', ')}.\n`);
  return 2;
}

/** Writes the corpus under `root` (one folder per language) and returns what a scanner should find there. */
export function writeCorpus(root: string): CorpusManifest {
  const manifest: CorpusManifest = { files: 0, sockets: {} as Record<CorpusLanguage, ExpectedSocket[]> };
  for (const [language, { render }] of Object.entries(LANGUAGES) as Array<[CorpusLanguage, (typeof LANGUAGES)[CorpusLanguage]]>) {
    const expected: ExpectedSocket[] = [];
    manifest.files += writePortsModule(root, language) + writeOrdinaryFiles(root, language);
    ROLES.forEach((program, roleIndex) => {
      for (let variant = 0; variant < VARIANTS; variant++) {
        const name = variant ? `${program.role}_v${variant + 1}` : program.role;
        for (const file of render(program, variant, name, roleIndex)) {
          const path = `${language}/${file.path}`;
          write(root, path, file.text);
          manifest.files++;
          for (const s of file.sockets) expected.push({ file: path, line: s.line, type: s.type });
        }
      }
    });
    manifest.sockets[language] = expected;
  }
  return manifest;
}

export interface SeededManifest {
  /** Where each wrong pairing must be reported: the REQ's connect, by file (one error per file). */
  errors: Array<{ file: string; library: string }>;
  /** Files that must hold no diagnostic (an application object's connect(host, port)). */
  clean: string[];
}

/**
 * Writes one wrong pairing per binding (a PUB bound by one program, a REQ connecting to it from another)
 * and per cross-file constant form (the address in a config file, used by a sibling file), each on a
 * port of its own, and returns where the errors must be.
 */
export function writeSeededWorkspace(root: string): SeededManifest {
  const manifest: SeededManifest = { errors: [], clean: [] };
  let port = 6100;
  for (const [language, { render, libraries }] of Object.entries(LANGUAGES) as Array<
    [CorpusLanguage, (typeof LANGUAGES)[CorpusLanguage]]
  >) {
    if (language === 'java') write(root, 'java/guide/Ports.java', 'package guide;\n\n' + portsModule('java').text);
    else if (language !== 'go' && portsModule(language).path)
      write(root, `${language}/${portsModule(language).path}`, portsModule(language).text);
    libraries.forEach((library, index) => {
      port++;
      const pub: ProgramSpec = {
        role: 'seedpub',
        sockets: [{ name: 'publisher', type: 'PUB', action: 'bind', endpoint: `tcp://*:${port}` }],
      };
      const req: ProgramSpec = {
        role: 'seedreq',
        sockets: [{ name: 'requester', type: 'REQ', action: 'connect', endpoint: `tcp://localhost:${port}` }],
      };
      const [variant, roleIndex] = seedVariant(index, libraries.length);
      for (const [spec, role] of [
        [pub, 'publisher'],
        [req, 'requester'],
      ] as const) {
        const files = render(spec, variant, `seed_${role}_${index}`, roleIndex);
        for (const file of files) write(root, `${language}/${file.path}`, file.text);
        if (role === 'requester') manifest.errors.push({ file: `${language}/${files[0].path}`, library });
      }
    });
  }
  const crossFile = writeCrossFileSeeds(root, () => ++port);
  manifest.errors.push(...crossFile);
  write(
    root,
    'python/app.py',
    'import zmq\n\nclass App:\n    def connect(self, host, port):\n        return host, port\n\napp = App()\napp.connect("tcp://localhost", 5556)\n',
  );
  manifest.clean.push('python/app.py');
  return manifest;
}

/**
 * The (variant, role index) that makes a renderer use binding `library` with an endpoint written in the
 * file (the shared ports module only knows the corpus's ports): renderers pick the binding from
 * (variant + role) and the endpoint style from (variant + 2 role).
 */
function seedVariant(library: number, libraries: number): [number, number] {
  for (let roleIndex = 0; roleIndex < 12; roleIndex++)
    for (let variant = 0; variant < 12; variant++)
      if ((variant + roleIndex) % libraries === library && (variant + 2 * roleIndex) % 3 !== 2) return [variant, roleIndex];
  throw new Error(`no variant renders library ${library}`);
}

/** A PUB bound in one file and a REQ connecting in a sibling file, the address from a third (config) file. */
function writeCrossFileSeeds(root: string, nextPort: () => number): Array<{ file: string; library: string }> {
  const errors: Array<{ file: string; library: string }> = [];
  const seed = (library: string, files: Record<string, string>, wrong: string) => {
    for (const [path, text] of Object.entries(files)) write(root, path, text);
    errors.push({ file: wrong, library });
  };
  let p = nextPort();
  seed(
    'Python from-import and module attribute',
    {
      'crossfile/python/settings.py': `QUOTES_BIND = "tcp://*:${p}"\nQUOTES_CONNECT = "tcp://localhost:${p}"\n`,
      'crossfile/python/quotes_pub.py':
        'import zmq\nfrom settings import QUOTES_BIND\n\npub = zmq.Context().socket(zmq.PUB)\npub.bind(QUOTES_BIND)\n',
      'crossfile/python/quotes_req.py':
        'import zmq\nimport settings\n\nreq = zmq.Context().socket(zmq.REQ)\nreq.connect(settings.QUOTES_CONNECT)\n',
    },
    'crossfile/python/quotes_req.py',
  );
  p = nextPort();
  seed(
    'Java static import and qualified class constant',
    {
      'crossfile/java/com/acme/Endpoints.java':
        'package com.acme;\n\npublic final class Endpoints {\n    public static final String QUOTES = ' +
        `"tcp://*:${p}";\n    public static final String QUOTES_CONNECT = "tcp://localhost:${p}";\n}\n`,
      'crossfile/java/com/acme/QuotesPublisher.java':
        'package com.acme;\n\nimport org.zeromq.*;\nimport static com.acme.Endpoints.QUOTES;\n\npublic ' +
        'class QuotesPublisher {\n    public static void main(String[] args) {\n ' +
        '       try (ZContext ctx = new ZContext()) {\n            ZMQ.Socket pub = ' +
        'ctx.createSocket(SocketType.PUB);\n            pub.bind(QUOTES);\n        }\n    }\n}\n',
      'crossfile/java/com/acme/QuotesRequester.java':
        'package com.acme;\n\nimport org.zeromq.*;\n\npublic class QuotesRequester {\n ' +
        '   public static void main(String[] args) {\n        try (ZContext ctx = new ' +
        'ZContext()) {\n            ZMQ.Socket req = ctx.createSocket(SocketType.REQ);\n ' +
        '           req.connect(Endpoints.QUOTES_CONNECT);\n        }\n    }\n}\n',
    },
    'crossfile/java/com/acme/QuotesRequester.java',
  );
  p = nextPort();
  seed(
    'C #define in an included header',
    {
      'crossfile/c/endpoints.h':
        `#ifndef ENDPOINTS_H\n#define ENDPOINTS_H\n#define QUOTES_PORT "${p}"\n#define QUOTES_BIND ` +
        '"tcp://*:" QUOTES_PORT\n#define QUOTES_CONNECT "tcp://localhost:" QUOTES_PORT\n#endif\n',
      'crossfile/c/quotes_pub.c':
        '#include <zmq.h>\n#include "endpoints.h"\n\nint main (void)\n{\n    void *ctx = zmq_ctx_new ();\n ' +
        '   void *pub = zmq_socket (ctx, ZMQ_PUB);\n    zmq_bind (pub, QUOTES_BIND);\n    return 0;\n}\n',
      'crossfile/c/quotes_req.c':
        '#include <zmq.h>\n#include "endpoints.h"\n\nint main (void)\n{\n    void *ctx = zmq_ctx_new ();\n   ' +
        ' void *req = zmq_socket (ctx, ZMQ_REQ);\n    zmq_connect (req, QUOTES_CONNECT);\n    return 0;\n}\n',
    },
    'crossfile/c/quotes_req.c',
  );
  p = nextPort();
  seed(
    'Go package-level const in a sibling file',
    {
      'crossfile/go/quotes/endpoints.go': `package main\n\nconst (\n\tquotesBind    = "tcp://*:${p}"\n\tquotesConnect = "tcp://localhost:${p}"\n)\n`,
      'crossfile/go/quotes/publisher.go':
        'package main\n\nimport zmq "github.com/pebbe/zmq4"\n\nfunc publish() {\n\tpub, _ := zmq.NewSocket(zmq.PUB)\n\tpub.Bind(quotesBind)\n}\n',
      'crossfile/go/quotes/main.go':
        'package main\n\nimport zmq "github.com/pebbe/zmq4"\n\nfunc main() {\n\tgo ' +
        'publish()\n\treq, _ := zmq.NewSocket(zmq.REQ)\n\treq.Connect(quotesConnect)\n}\n',
    },
    'crossfile/go/quotes/main.go',
  );
  p = nextPort();
  seed(
    'JavaScript import from a config module',
    {
      'crossfile/js/config.js': `exports.QUOTES_BIND = "tcp://*:${p}"\nexports.QUOTES_CONNECT = "tcp://localhost:${p}"\n`,
      'crossfile/js/publisher.js':
        'const zmq = require("zeromq")\nconst { QUOTES_BIND } = require("./config")\n\nasync function ' +
        'run() {\n  const pub = new zmq.Publisher()\n  await pub.bind(QUOTES_BIND)\n}\nrun()\n',
      'crossfile/js/requester.js':
        'const zmq = require("zeromq")\nconst config = require("./config")\n\nasync function run() ' +
        '{\n  const req = new zmq.Request()\n  req.connect(config.QUOTES_CONNECT)\n}\nrun()\n',
    },
    'crossfile/js/requester.js',
  );
  return errors;
}
