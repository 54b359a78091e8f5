// What the scanner recognises, per binding, as written in each binding's documentation:
// pyzmq; libzmq, czmq (zsock and the older zsocket API); cppzmq and zmqpp; zeromq.js v6 classes and v5
// `zmq.socket('pub')`; Go pebbe/zmq4, go-zeromq/zmq4 and goczmq; JeroMQ; NetMQ (v4 classes, v3 context
// factories) and clrzmq4; the Rust `zmq` crate and the pure-Rust `zeromq` crate.
import type { SocketTypeName } from '../types';
import type { EndpointAction, ScanLanguage } from './scanTypes';

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

/**
 * Spelling of socket types in enums and strings, lower-cased: libzmq names, zmqpp's long names
 * (`socket_type::publish`, `request`, `xrequest`...), and the pre-3.0 XREQ/XREP.
 */
const TYPE_ALIASES: Record<string, SocketTypeName> = {
  pair: 'PAIR',
  pub: 'PUB',
  publish: 'PUB',
  publisher: 'PUB',
  sub: 'SUB',
  subscribe: 'SUB',
  subscriber: 'SUB',
  req: 'REQ',
  request: 'REQ',
  rep: 'REP',
  reply: 'REP',
  response: 'REP',
  dealer: 'DEALER',
  xreq: 'DEALER',
  xrequest: 'DEALER',
  router: 'ROUTER',
  xrep: 'ROUTER',
  xreply: 'ROUTER',
  push: 'PUSH',
  pull: 'PULL',
  xpub: 'XPUB',
  xpublish: 'XPUB',
  xsub: 'XSUB',
  xsubscribe: 'XSUB',
  stream: 'STREAM',
};

/** Enum or namespace names whose members are socket types in any spelling (`SocketType.Pub`, `goczmq.Pull`). */
const TYPE_NAMESPACES = new Set(['socket_type', 'SocketType', 'ZSocketType', 'ZmqSocketType', 'goczmq']);

/**
 * The socket type a dotted name denotes (`zmq.PUB`, `ZMQ_PUB`, `zmq::socket_type::pub`,
 * `zmqpp::socket_type::publish`, `SocketType.PUB`, `goczmq.Pull`), or undefined.
 */
export function socketTypeOfName(
  segments: string[],
  language: ScanLanguage,
  extraNamespaces?: ReadonlySet<string>,
): SocketTypeName | undefined {
  const last = segments[segments.length - 1];
  const owner = segments[segments.length - 2];
  const inNamespace = owner !== undefined && (TYPE_NAMESPACES.has(owner) || !!extraNamespaces?.has(owner));
  if (language === 'c' || language === 'cpp') {
    if (last.startsWith('ZMQ_')) return exactType(last.slice(4));
    return inNamespace ? TYPE_ALIASES[last.toLowerCase()] : undefined;
  }
  return exactType(last) ?? (inNamespace ? TYPE_ALIASES[last.toLowerCase()] : undefined);
}

function exactType(name: string): SocketTypeName | undefined {
  if (SOCKET_TYPE_NAMES.has(name)) return name as SocketTypeName;
  return name === 'XREQ' ? 'DEALER' : name === 'XREP' ? 'ROUTER' : undefined;
}

/** A socket type given as a string (zeromq.js v5 `zmq.socket('pub')`). */
export function socketTypeOfString(text: string): SocketTypeName | undefined {
  return TYPE_ALIASES[text.toLowerCase()];
}

/** zeromq.js v6 classes. */
export const JS_CLASSES: Record<string, SocketTypeName> = {
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
export const NETMQ_CLASSES: Record<string, [SocketTypeName, EndpointAction]> = {
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

/** NetMQ 3 `context.CreatePublisherSocket()` and friends. */
export const NETMQ3_FACTORIES: Record<string, SocketTypeName> = {
  CreatePublisherSocket: 'PUB',
  CreateXPublisherSocket: 'XPUB',
  CreateSubscriberSocket: 'SUB',
  CreateXSubscriberSocket: 'XSUB',
  CreateRequestSocket: 'REQ',
  CreateResponseSocket: 'REP',
  CreateDealerSocket: 'DEALER',
  CreateRouterSocket: 'ROUTER',
  CreatePushSocket: 'PUSH',
  CreatePullSocket: 'PULL',
  CreatePairSocket: 'PAIR',
  CreateStreamSocket: 'STREAM',
};

/** The pure-Rust `zeromq` crate (zmq.rs): `zeromq::PubSocket::new()`. */
export const RUST_ZEROMQ_CLASSES: Record<string, SocketTypeName> = {
  PubSocket: 'PUB',
  SubSocket: 'SUB',
  XPubSocket: 'XPUB',
  XSubSocket: 'XSUB',
  ReqSocket: 'REQ',
  RepSocket: 'REP',
  DealerSocket: 'DEALER',
  RouterSocket: 'ROUTER',
  PushSocket: 'PUSH',
  PullSocket: 'PULL',
};

/** `NewPub`, `NewSub`, ... : go-zeromq/zmq4 takes a context, goczmq takes endpoints (see GOCZMQ_DEFAULT). */
export const GO_NEW_FUNCTIONS: Record<string, SocketTypeName> = {
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
  NewStream: 'STREAM',
};

/**
 * What an endpoint without `@`/`>` does, for the constructors that attach endpoints on creation:
 * czmq's zsock_new_xxx, goczmq's NewXxx / NewXxxChanneler ("The socket will Bind by default" for
 * PUB, REP, PULL, ROUTER, XPUB; connect for the rest).
 */
export const ATTACH_DEFAULT: Record<SocketTypeName, EndpointAction> = {
  PUB: 'bind',
  XPUB: 'bind',
  REP: 'bind',
  ROUTER: 'bind',
  PULL: 'bind',
  SUB: 'connect',
  XSUB: 'connect',
  REQ: 'connect',
  DEALER: 'connect',
  PUSH: 'connect',
  PAIR: 'connect',
  STREAM: 'connect',
};

/** czmq `zsock_new_pub(endpoints)` ... `zsock_new_stream(endpoints)`. */
export function czmqSmartConstructor(name: string): SocketTypeName | undefined {
  const m = /^zsock_new_(pub|sub|req|rep|dealer|router|push|pull|xpub|xsub|pair|stream)$/.exec(name);
  return m ? TYPE_ALIASES[m[1]] : undefined;
}

/** Functions/methods that create a socket from a type argument, per language. */
export const CREATE_CALLS: Record<ScanLanguage, ReadonlySet<string>> = {
  python: new Set(['socket', 'Socket']),
  c: new Set(['zmq_socket', 'zsock_new', 'zsocket_new']),
  cpp: new Set(['zmq_socket', 'zsock_new', 'zsocket_new', 'socket_t', 'socket']),
  javascript: new Set(['socket', 'createSocket']),
  typescript: new Set(['socket', 'createSocket']),
  go: new Set(['NewSocket', 'NewSock']),
  java: new Set(['createSocket', 'socket']),
  csharp: new Set(['CreateSocket', 'Create']),
  rust: new Set(['socket']),
};

/** Methods called on a socket. `bindToRandomPort` / `bind_to_random_port` bind an ephemeral port. */
export const BIND_METHODS: Record<ScanLanguage, Record<string, EndpointAction>> = {
  python: { bind: 'bind', connect: 'connect', bind_to_random_port: 'bind' },
  c: {},
  cpp: { bind: 'bind', connect: 'connect' },
  javascript: { bind: 'bind', connect: 'connect', bindSync: 'bind' },
  typescript: { bind: 'bind', connect: 'connect', bindSync: 'bind' },
  go: { Bind: 'bind', Connect: 'connect', Listen: 'bind', Dial: 'connect' },
  java: { bind: 'bind', connect: 'connect', bindToRandomPort: 'bind' },
  csharp: { Bind: 'bind', Connect: 'connect', BindRandomPort: 'bind' },
  rust: { bind: 'bind', connect: 'connect' },
};

export const RANDOM_PORT_METHODS = new Set(['bind_to_random_port', 'bindToRandomPort', 'BindRandomPort']);

/** C functions taking (socket, endpoint); czmq's take (socket, printf format, args...). */
export const C_FUNCTIONS: Record<string, { action: EndpointAction; printf: boolean }> = {
  zmq_bind: { action: 'bind', printf: false },
  zmq_connect: { action: 'connect', printf: false },
  zsock_bind: { action: 'bind', printf: true },
  zsock_connect: { action: 'connect', printf: true },
  zsocket_bind: { action: 'bind', printf: true },
  zsocket_connect: { action: 'connect', printf: true },
};
