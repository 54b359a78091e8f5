// The programs of the generated topology corpus (see topologyCorpus.ts): the roles of a book of ZeroMQ
// examples (hello world, weather, task pipeline, brokers, load balancers...) as socket specs, all correct
// and reusing the same few ports, and one renderer per language that writes a role as a program in one
// of the bindings real projects use, with its endpoints written three ways (literal, a constant of the
// file, a constant of the language folder's shared ports module). Each renderer records the line and
// type of every socket it creates: that is the ground truth recall is measured against.
import type { SocketTypeName } from '../../src/core/types';

export interface SocketSpec {
  name: string;
  type: SocketTypeName;
  action: 'bind' | 'connect';
  endpoint: string;
  /** Created in a worker thread/function of the same program. */
  inWorker?: boolean;
}

export interface ProgramSpec {
  role: string;
  sockets: SocketSpec[];
}

const s = (name: string, type: SocketTypeName, action: 'bind' | 'connect', endpoint: string, inWorker = false): SocketSpec => ({
  name,
  type,
  action,
  endpoint,
  inWorker,
});

/** Port names of the shared ports module each language folder has. */
export const PORT_NAMES: Record<number, string> = {
  5555: 'HELLO',
  5556: 'WEATHER',
  5557: 'TASKS',
  5558: 'RESULTS',
  5559: 'FRONTEND',
  5560: 'BACKEND',
  5561: 'SYNC_PUB',
  5562: 'SYNC_REQ',
  5563: 'ENVELOPE',
  5570: 'ASYNC',
  5671: 'RTDEALER',
  8100: 'PROXY',
};

export const ROLES: ProgramSpec[] = [
  { role: 'hwserver', sockets: [s('responder', 'REP', 'bind', 'tcp://*:5555')] },
  { role: 'hwclient', sockets: [s('requester', 'REQ', 'connect', 'tcp://localhost:5555')] },
  { role: 'wuserver', sockets: [s('publisher', 'PUB', 'bind', 'tcp://*:5556')] },
  { role: 'wuclient', sockets: [s('subscriber', 'SUB', 'connect', 'tcp://localhost:5556')] },
  { role: 'taskvent', sockets: [s('sender', 'PUSH', 'bind', 'tcp://*:5557'), s('sink', 'PUSH', 'connect', 'tcp://localhost:5558')] },
  {
    role: 'taskwork',
    sockets: [s('receiver', 'PULL', 'connect', 'tcp://localhost:5557'), s('sender', 'PUSH', 'connect', 'tcp://localhost:5558')],
  },
  { role: 'tasksink', sockets: [s('receiver', 'PULL', 'bind', 'tcp://*:5558')] },
  { role: 'rrclient', sockets: [s('requester', 'REQ', 'connect', 'tcp://localhost:5559')] },
  { role: 'rrbroker', sockets: [s('frontend', 'ROUTER', 'bind', 'tcp://*:5559'), s('backend', 'DEALER', 'bind', 'tcp://*:5560')] },
  { role: 'rrworker', sockets: [s('responder', 'REP', 'connect', 'tcp://localhost:5560')] },
  {
    role: 'msreader',
    sockets: [s('receiver', 'PULL', 'connect', 'tcp://localhost:5557'), s('subscriber', 'SUB', 'connect', 'tcp://localhost:5556')],
  },
  { role: 'psenvpub', sockets: [s('publisher', 'PUB', 'bind', 'tcp://*:5563')] },
  { role: 'psenvsub', sockets: [s('subscriber', 'SUB', 'connect', 'tcp://localhost:5563')] },
  {
    role: 'mtserver',
    sockets: [
      s('clients', 'ROUTER', 'bind', 'tcp://*:5555'),
      s('workers', 'DEALER', 'bind', 'inproc://workers'),
      s('receiver', 'REP', 'connect', 'inproc://workers', true),
    ],
  },
  { role: 'syncpub', sockets: [s('publisher', 'PUB', 'bind', 'tcp://*:5561'), s('syncservice', 'REP', 'bind', 'tcp://*:5562')] },
  {
    role: 'syncsub',
    sockets: [s('subscriber', 'SUB', 'connect', 'tcp://localhost:5561'), s('syncclient', 'REQ', 'connect', 'tcp://localhost:5562')],
  },
  {
    role: 'rtdealer',
    sockets: [s('broker', 'ROUTER', 'bind', 'tcp://*:5671'), s('worker', 'DEALER', 'connect', 'tcp://localhost:5671', true)],
  },
  {
    role: 'lbbroker',
    sockets: [
      s('frontend', 'ROUTER', 'bind', 'ipc://frontend.ipc'),
      s('backend', 'ROUTER', 'bind', 'ipc://backend.ipc'),
      s('client', 'REQ', 'connect', 'ipc://frontend.ipc', true),
      s('worker', 'REQ', 'connect', 'ipc://backend.ipc', true),
    ],
  },
  {
    role: 'asyncsrv',
    sockets: [
      s('frontend', 'ROUTER', 'bind', 'tcp://*:5570'),
      s('backend', 'DEALER', 'bind', 'inproc://backend'),
      s('client', 'DEALER', 'connect', 'tcp://localhost:5570', true),
      s('worker', 'DEALER', 'connect', 'inproc://backend', true),
    ],
  },
  { role: 'spqueue', sockets: [s('frontend', 'ROUTER', 'bind', 'tcp://*:5555'), s('backend', 'ROUTER', 'bind', 'tcp://*:5556')] },
  { role: 'spworker', sockets: [s('worker', 'REQ', 'connect', 'tcp://localhost:5556')] },
  { role: 'lpclient', sockets: [s('client', 'REQ', 'connect', 'tcp://localhost:5555')] },
  { role: 'identity', sockets: [s('sink', 'ROUTER', 'bind', 'inproc://example'), s('anonymous', 'REQ', 'connect', 'inproc://example')] },
  {
    role: 'wuproxy',
    sockets: [s('frontend', 'XSUB', 'connect', 'tcp://192.168.55.210:5556'), s('backend', 'XPUB', 'bind', 'tcp://10.1.1.0:8100')],
  },
  { role: 'tasksink2', sockets: [s('receiver', 'PULL', 'bind', 'tcp://*:5558'), s('controller', 'PUB', 'bind', 'tcp://*:5559')] },
  {
    role: 'taskwork2',
    sockets: [
      s('receiver', 'PULL', 'connect', 'tcp://localhost:5557'),
      s('sender', 'PUSH', 'connect', 'tcp://localhost:5558'),
      s('controller', 'SUB', 'connect', 'tcp://localhost:5559'),
    ],
  },
];

/** How an endpoint is written: as a literal, from a port constant of the file, from the shared ports module. */
export type EndpointStyle = 'literal' | 'constant' | 'module';
export const STYLES: EndpointStyle[] = ['literal', 'constant', 'module'];

export interface TcpParts {
  prefix: string;
  port: number;
}

/** `tcp://*:5555` as `tcp://*:` and 5555; undefined for ipc/inproc (always written literally). */
export function tcpParts(endpoint: string): TcpParts | undefined {
  const m = /^(tcp:\/\/[^:]+:)(\d+)$/.exec(endpoint);
  return m ? { prefix: m[1], port: Number(m[2]) } : undefined;
}

/** Lines of one file, with the line of each socket it creates. */
export class Code {
  readonly lines: string[] = [];
  readonly sockets: Array<{ line: number; type: SocketTypeName }> = [];

  add(...lines: string[]): this {
    for (const line of lines) this.lines.push(...line.split('\n'));
    return this;
  }

  /** Adds the line that creates a socket of `type` (all sockets created on one line are on that line). */
  socket(line: string, ...types: SocketTypeName[]): this {
    for (const type of types) this.sockets.push({ line: this.lines.length + 1, type });
    this.lines.push(line);
    return this;
  }

  text(): string {
    return this.lines.join('\n') + '\n';
  }
}

export interface RenderedFile {
  path: string;
  text: string;
  sockets: Array<{ line: number; type: SocketTypeName }>;
}

export type Renderer = (program: ProgramSpec, variant: number, name: string) => RenderedFile[];

/** The ports module of a language folder: every port the roles use, by name. */
export function portsModule(language: string): { path: string; text: string } {
  const entries = Object.entries(PORT_NAMES);
  switch (language) {
    case 'python':
      return { path: 'ports.py', text: `"""Ports of the examples."""\n${entries.map(([p, n]) => `${n} = ${p}`).join('\n')}\n` };
    case 'c':
      return {
        path: 'ports.h',
        text: `#ifndef PORTS_H\n#define PORTS_H\n${entries.map(([p, n]) => `#define ${n}_PORT ${p}`).join('\n')}\n#endif\n`,
      };
    case 'cpp':
      return { path: 'ports.hpp', text: `#pragma once\n${entries.map(([p, n]) => `#define ${n}_PORT "${p}"`).join('\n')}\n` };
    case 'javascript':
      return { path: 'ports.js', text: `// Ports of the examples.\n${entries.map(([p, n]) => `exports.${n} = ${p}`).join('\n')}\n` };
    case 'go':
      return { path: 'ports.go', text: `package main\n\nconst (\n${entries.map(([p, n]) => `\t${goName(n)}Port = ${p}`).join('\n')}\n)\n` };
    case 'java':
      return {
        path: 'Ports.java',
        text: `public final class Ports {\n${entries.map(([p, n]) => `    public static final int ${n} = ${p};`).join('\n')}\n}\n`,
      };
    default:
      return { path: '', text: '' };
  }
}

export function goName(name: string): string {
  return name
    .toLowerCase()
    .split('_')
    .map((w, i) => (i ? w[0].toUpperCase() + w.slice(1) : w))
    .join('');
}
