// Corpus renderers for Java (JeroMQ with ZContext/SocketType and with ZMQ.context/ZMQ.X; endpoints from
// the package's Ports class, qualified or statically imported) and C# (NetMQ with connection strings,
// NetMQ with Bind/Connect, clrzmq4).
import { Code, PORT_NAMES, STYLES, tcpParts, type ProgramSpec, type RenderedFile, type SocketSpec } from './corpusPrograms';

function styleOf(variant: number, roleIndex: number) {
  return STYLES[(variant + 2 * roleIndex) % STYLES.length];
}

const describe = (p: ProgramSpec) => p.sockets.map((x) => `${x.type} ${x.action}s ${x.endpoint}`).join(', ');

export function renderJava(program: ProgramSpec, variant: number, name: string, roleIndex: number): RenderedFile[] {
  const style = styleOf(variant, roleIndex);
  const modern = (variant + roleIndex) % 2 === 0;
  const staticImport = (variant + roleIndex) % 4 < 2;
  const cls = name.replace(/\W/g, '_');
  const c = new Code();
  c.add(
    'package guide;',
    '',
    `// ${program.role}: ${describe(program)}`,
    'import org.zeromq.SocketType;',
    'import org.zeromq.ZContext;',
    'import org.zeromq.ZMQ;',
  );
  const ports = program.sockets.map((x) => tcpParts(x.endpoint)).filter((t) => t !== undefined);
  if (style === 'module' && staticImport)
    for (const port of new Set(ports.map((t) => t.port))) c.add(`import static guide.Ports.${PORT_NAMES[port]};`);
  c.add('', `public class ${cls} {`);
  if (style === 'constant')
    for (const x of program.sockets)
      if (tcpParts(x.endpoint)) c.add(`    private static final int ${x.name.toUpperCase()}_PORT = ${tcpParts(x.endpoint)!.port};`);
  const ep = (x: SocketSpec) => {
    const tcp = tcpParts(x.endpoint);
    if (!tcp || style === 'literal') return `"${x.endpoint}"`;
    if (style === 'constant') return `"${tcp.prefix}" + ${x.name.toUpperCase()}_PORT`;
    return `"${tcp.prefix}" + ${staticImport ? '' : 'Ports.'}${PORT_NAMES[tcp.port]}`;
  };
  const open = (x: SocketSpec, indent: string) => {
    c.socket(
      modern
        ? `${indent}ZMQ.Socket ${x.name} = context.createSocket(SocketType.${x.type});`
        : `${indent}ZMQ.Socket ${x.name} = context.socket(ZMQ.${x.type});`,
      x.type,
    );
    c.add(`${indent}${x.name}.${x.action}(${ep(x)});`);
  };
  const workers = program.sockets.filter((x) => x.inWorker);
  const contextType = modern ? 'ZContext' : 'ZMQ.Context';
  if (workers.length) {
    c.add(`    private static void worker(${contextType} context) {`);
    for (const x of workers) open(x, '        ');
    c.add('    }', '');
  }
  c.add(
    '    public static void main(String[] args) throws Exception {',
    modern ? '        try (ZContext context = new ZContext()) {' : '        ZMQ.Context context = ZMQ.context(1);',
    modern ? '' : '        {',
  );
  for (const x of program.sockets.filter((y) => !y.inWorker)) open(x, '            ');
  if (workers.length) c.add('            new Thread(() -> worker(context)).start();');
  c.add('        }', '    }', '}');
  return [{ path: `guide/${cls}.java`, text: c.text(), sockets: c.sockets }];
}

const NETMQ: Record<string, string> = {
  PUB: 'PublisherSocket',
  SUB: 'SubscriberSocket',
  XPUB: 'XPublisherSocket',
  XSUB: 'XSubscriberSocket',
  REQ: 'RequestSocket',
  REP: 'ResponseSocket',
  DEALER: 'DealerSocket',
  ROUTER: 'RouterSocket',
  PUSH: 'PushSocket',
  PULL: 'PullSocket',
  PAIR: 'PairSocket',
};

export function renderCSharp(program: ProgramSpec, variant: number, name: string, roleIndex: number): RenderedFile[] {
  const style = styleOf(variant, roleIndex);
  const library = (variant + roleIndex) % 3; // 0: NetMQ connection strings, 1: NetMQ Bind/Connect, 2: clrzmq4
  const cls = name.replace(/\W/g, '_');
  const c = new Code();
  c.add(
    `// ${program.role}: ${describe(program)}`,
    'using System;',
    'using System.Threading;',
    library === 2 ? 'using ZeroMQ;' : 'using NetMQ;\nusing NetMQ.Sockets;',
  );
  c.add('', 'namespace Examples', '{', `    static class ${cls}`, '    {');
  if (style !== 'literal')
    for (const x of program.sockets)
      if (tcpParts(x.endpoint)) c.add(`        const int ${cap(x.name)}Port = ${tcpParts(x.endpoint)!.port};`);
  const ep = (x: SocketSpec, prefix = '') => {
    const tcp = tcpParts(x.endpoint);
    if (!tcp || style === 'literal') return `"${prefix}${x.endpoint}"`;
    if (style === 'constant') return `$"${prefix}${tcp.prefix}{${cap(x.name)}Port}"`;
    return `string.Format("${prefix}${tcp.prefix}{0}", ${cap(x.name)}Port)`;
  };
  const open = (x: SocketSpec, indent: string) => {
    if (library === 0) {
      c.socket(`${indent}using var ${x.name} = new ${NETMQ[x.type]}(${ep(x, x.action === 'bind' ? '@' : '>')});`, x.type);
      return;
    }
    if (library === 1) c.socket(`${indent}using var ${x.name} = new ${NETMQ[x.type]}();`, x.type);
    else c.socket(`${indent}using var ${x.name} = new ZSocket(context, ZSocketType.${x.type});`, x.type);
    c.add(`${indent}${x.name}.${x.action === 'bind' ? 'Bind' : 'Connect'}(${ep(x)});`);
  };
  const workers = program.sockets.filter((x) => x.inWorker);
  if (workers.length) {
    c.add(`        static void Worker(${library === 2 ? 'ZContext context' : 'object state'})`, '        {');
    for (const x of workers) open(x, '            ');
    c.add('        }', '');
  }
  c.add(
    '        public static void Main(string[] args)',
    '        {',
    library === 2 ? '            using var context = new ZContext();' : '',
  );
  for (const x of program.sockets.filter((y) => !y.inWorker)) open(x, '            ');
  if (workers.length) c.add(`            new Thread(() => Worker(${library === 2 ? 'context' : 'null'})).Start();`);
  c.add('        }', '    }', '}');
  return [{ path: `${cls}.cs`, text: c.text(), sockets: c.sockets }];
}

function cap(name: string): string {
  return name[0].toUpperCase() + name.slice(1);
}
