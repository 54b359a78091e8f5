// The socket-type catalogue: what each ZeroMQ socket type does, which peers it accepts (ZMTP, RFC 37,
// as libzmq's check_socket_type enforces it), and how the inspector can observe an endpoint whose peer
// is of a given type without lying about the cost of watching.
import type { SocketTypeName } from '../types';

export type MessageFlow = 'send' | 'receive' | 'both';

export interface SocketTypeInfo {
  name: SocketTypeName;
  /** One line for quick picks. */
  description: string;
  /** Which way application messages flow from this socket's point of view. */
  flow: MessageFlow;
  /** Peer types libzmq accepts in the handshake. */
  validPeers: readonly SocketTypeName[];
  /** Received messages start with a routing-id frame (ROUTER, STREAM). */
  receivesRoutingId: boolean;
  /** Sent messages must start with a routing-id frame naming the peer. */
  sendsNeedRoutingId: boolean;
  /** Received messages start with a topic frame the socket filters on. */
  topicFiltered: boolean;
}

export const SOCKET_TYPES: readonly SocketTypeInfo[] = [
  {
    name: 'PAIR',
    description: 'Exclusive pair: one peer, both directions',
    flow: 'both',
    validPeers: ['PAIR'],
    receivesRoutingId: false,
    sendsNeedRoutingId: false,
    topicFiltered: false,
  },
  {
    name: 'PUB',
    description: 'Publisher: sends to every matching subscriber, receives nothing',
    flow: 'send',
    validPeers: ['SUB', 'XSUB'],
    receivesRoutingId: false,
    sendsNeedRoutingId: false,
    topicFiltered: false,
  },
  {
    name: 'SUB',
    description: 'Subscriber: receives published messages whose topic matches a prefix',
    flow: 'receive',
    validPeers: ['PUB', 'XPUB'],
    receivesRoutingId: false,
    sendsNeedRoutingId: false,
    topicFiltered: true,
  },
  {
    name: 'REQ',
    description: 'Request: strict send-one, receive-one lock-step client',
    flow: 'both',
    validPeers: ['REP', 'ROUTER'],
    receivesRoutingId: false,
    sendsNeedRoutingId: false,
    topicFiltered: false,
  },
  {
    name: 'REP',
    description: 'Reply: strict receive-one, send-one lock-step server',
    flow: 'both',
    validPeers: ['REQ', 'DEALER'],
    receivesRoutingId: false,
    sendsNeedRoutingId: false,
    topicFiltered: false,
  },
  {
    name: 'DEALER',
    description: 'Dealer: asynchronous requests, round-robin to peers',
    flow: 'both',
    validPeers: ['REP', 'DEALER', 'ROUTER'],
    receivesRoutingId: false,
    sendsNeedRoutingId: false,
    topicFiltered: false,
  },
  {
    name: 'ROUTER',
    description: 'Router: asynchronous server, addresses each peer by routing id',
    flow: 'both',
    validPeers: ['REQ', 'DEALER', 'ROUTER'],
    receivesRoutingId: true,
    sendsNeedRoutingId: true,
    topicFiltered: false,
  },
  {
    name: 'PULL',
    description: 'Pull: receives a fair share of a pipeline',
    flow: 'receive',
    validPeers: ['PUSH'],
    receivesRoutingId: false,
    sendsNeedRoutingId: false,
    topicFiltered: false,
  },
  {
    name: 'PUSH',
    description: 'Push: sends pipeline work round-robin to pullers',
    flow: 'send',
    validPeers: ['PULL'],
    receivesRoutingId: false,
    sendsNeedRoutingId: false,
    topicFiltered: false,
  },
  {
    name: 'XPUB',
    description: 'Extended publisher: like PUB, and sees subscription messages',
    flow: 'both',
    validPeers: ['SUB', 'XSUB'],
    receivesRoutingId: false,
    sendsNeedRoutingId: false,
    topicFiltered: false,
  },
  {
    name: 'XSUB',
    description: 'Extended subscriber: like SUB, subscribes by sending messages',
    flow: 'both',
    validPeers: ['PUB', 'XPUB'],
    receivesRoutingId: false,
    sendsNeedRoutingId: false,
    topicFiltered: true,
  },
  {
    name: 'STREAM',
    description: 'Stream: raw TCP (not ZMTP), each message prefixed by a connection id',
    flow: 'both',
    validPeers: [],
    receivesRoutingId: true,
    sendsNeedRoutingId: true,
    topicFiltered: false,
  },
];

const byName = new Map<string, SocketTypeInfo>(SOCKET_TYPES.map((t) => [t.name, t]));

export function socketTypeInfo(name: SocketTypeName): SocketTypeInfo {
  const info = byName.get(name);
  if (!info) throw new Error(`Unknown socket type ${name}`);
  return info;
}

/** Parses a user-typed socket type ("sub", "zmq.SUB", "ZMQ_SUB", "Subscriber") or returns undefined. */
export function parseSocketType(text: string): SocketTypeName | undefined {
  const upper = text
    .trim()
    .toUpperCase()
    .replace(/^(ZMQ[._]|ZMQ::)/, '');
  if (byName.has(upper)) return upper as SocketTypeName;
  const aliases: Record<string, SocketTypeName> = {
    PUBLISHER: 'PUB',
    SUBSCRIBER: 'SUB',
    REQUEST: 'REQ',
    REPLY: 'REP',
    RESPONSE: 'REP',
    XPUBLISHER: 'XPUB',
    XSUBSCRIBER: 'XSUB',
  };
  return aliases[upper];
}

export interface PairingVerdict {
  valid: boolean;
  reason: string;
}

/** Is A-B a valid pairing? The answer says why, in words a user can act on. */
export function checkPairing(a: SocketTypeName, b: SocketTypeName): PairingVerdict {
  const infoA = socketTypeInfo(a);
  if (a === 'STREAM' || b === 'STREAM') {
    return { valid: false, reason: 'STREAM speaks raw TCP, not ZMTP: it talks to plain TCP peers, never to another ZeroMQ socket.' };
  }
  if (infoA.validPeers.includes(b)) {
    return { valid: true, reason: `${a} and ${b} are a valid pairing (${describePattern(a, b)}).` };
  }
  return {
    valid: false,
    reason:
      `${a} only talks to ${listOr(infoA.validPeers)}; with ${b} the ZMTP handshake ` +
      'is rejected and no message ever flows (libzmq drops the connection silently).',
  };
}

function describePattern(a: SocketTypeName, b: SocketTypeName): string {
  const pair = new Set([a, b]);
  const has = (x: SocketTypeName) => pair.has(x);
  if ((has('PUB') || has('XPUB')) && (has('SUB') || has('XSUB'))) return 'publish-subscribe';
  if (has('PUSH') && has('PULL')) return 'pipeline';
  if (has('PAIR')) return 'exclusive pair';
  return 'request-reply';
}

function listOr(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

export interface ObserverAdvice {
  /** The socket type the inspector opens to watch this peer, or undefined when none can. */
  observer?: SocketTypeName;
  /** Passive: the real peers lose nothing. Intrusive: the observer takes part in the pattern. */
  passive: boolean;
  reason: string;
}

/** How do I observe an endpoint whose peer is of type `peer`? */
export function observerFor(peer: SocketTypeName): ObserverAdvice {
  switch (peer) {
    case 'PUB':
    case 'XPUB':
      return {
        observer: 'SUB',
        passive: true,
        reason: `A SUB subscribed to everything receives a copy of every message the ${peer} publishes; the real subscribers lose nothing.`,
      };
    case 'PUSH':
      return {
        observer: 'PULL',
        passive: false,
        reason:
          'A PULL joins the PUSH round-robin: it takes its share of the messages away ' +
          'from the real workers. Use a tap to watch a pipeline without stealing work.',
      };
    case 'PULL':
      return {
        observer: 'PUSH',
        passive: false,
        reason:
          'A PULL only receives: the inspector can only feed it messages with a PUSH, ' +
          'which the real workers will process. Use a tap to watch its real producers.',
      };
    case 'REP':
      return {
        observer: 'REQ',
        passive: false,
        reason: 'A REP only answers requests: watching it means sending real requests (REQ or DEALER) that the service will process.',
      };
    case 'REQ':
      return {
        observer: 'REP',
        passive: false,
        reason: 'A REP (or ROUTER) bound for a REQ answers in place of the real server: requests sent to it never reach the real service.',
      };
    case 'ROUTER':
      return {
        observer: 'DEALER',
        passive: false,
        reason:
          'A DEALER connected to a ROUTER is one more client: it sees only the replies to its own requests. Use a tap to watch the real clients.',
      };
    case 'DEALER':
      return {
        observer: 'ROUTER',
        passive: false,
        reason:
          'A ROUTER bound for a DEALER receives a round-robin share of its requests and must answer them in place of the real server.',
      };
    case 'SUB':
    case 'XSUB':
      return {
        observer: 'PUB',
        passive: false,
        reason: `A ${peer} only receives: the inspector can publish test messages to it with a PUB, which the application will act on.`,
      };
    case 'PAIR':
      return {
        observer: 'PAIR',
        passive: false,
        reason: 'A PAIR accepts exactly one peer: connecting to it replaces or blocks the real one.',
      };
    case 'STREAM':
      return {
        observer: 'STREAM',
        passive: false,
        reason: 'A STREAM socket speaks raw TCP: a STREAM (or any TCP client) can talk to it, as one more client.',
      };
  }
}
