// Endpoint blocks of a `.zmq` file: `endpoint NAME TYPE bind|connect ADDRESS` and its indented options
// (subscriptions, routing id, high-water marks, linger, reconnect, security by reference to named keys).
import type { EndpointDef, ScenarioProblem } from './scenarioAst';
import type { EndpointSecurity } from '../session/endpointConfig';
import { parseSocketType } from '../session/socketTypes';
import { BlockParser, parseCount, parseDuration, type LineNode, type Word } from './scenarioLines';

export const NAME = /^[A-Za-z_][\w.-]{0,63}$/;

/** The endpoint a block declares, or undefined after adding its problems. */
export function parseEndpointBlock(node: LineNode, problems: ScenarioProblem[]): EndpointDef | undefined {
  return new EndpointParser(problems).endpoint(node);
}

class EndpointParser extends BlockParser {
  endpoint(node: LineNode): EndpointDef | undefined {
    const words = this.words(node);
    const [, name, type, mode, address, extra] = words;
    const end = node.column + node.text.length;
    const usage = 'write endpoint NAME TYPE bind|connect ADDRESS, e.g. endpoint echo REQ connect tcp://127.0.0.1:5557';
    if (!name) return void this.error(node, node.column, end, usage);
    if (!NAME.test(name.text))
      return void this.error(node, name.column, name.endColumn, `"${name.text.slice(0, 40)}" is not a name: letters, digits, _ . -`);
    const socketType = type && parseSocketType(type.text);
    if (!socketType)
      return void this.error(
        node,
        type?.column ?? end,
        type?.endColumn ?? end + 1,
        type ? `"${type.text.slice(0, 20)}" is not a socket type: PAIR PUB SUB REQ REP DEALER ROUTER PULL PUSH XPUB XSUB STREAM` : usage,
      );
    if (!mode || (mode.text !== 'bind' && mode.text !== 'connect'))
      return void this.error(node, mode?.column ?? end, mode?.endColumn ?? end + 1, 'after the socket type write bind or connect');
    if (!address) return void this.error(node, end, end + 1, 'the address is missing, e.g. tcp://127.0.0.1:5557');
    if (extra) this.error(node, extra.column, end, 'unexpected text after the address');
    const endpoint: EndpointDef = {
      line: node.line,
      column: node.column,
      endLine: node.endLine,
      name: name.text,
      type: socketType,
      mode: mode.text,
      address: address.text,
      subscriptions: [],
    };
    for (const child of node.children) this.endpointOption(endpoint, child);
    return endpoint;
  }

  private endpointOption(endpoint: EndpointDef, node: LineNode): void {
    this.noChildren(node, 'an endpoint option');
    const words = this.words(node);
    const key = words[0].text;
    const value = words[1];
    const rest = node.text.slice(key.length).trim();
    const count = (max: number) => {
      const parsed = value && words.length === 2 ? parseCount(value.text, max) : undefined;
      if (parsed === undefined)
        this.error(node, value?.column ?? node.column, node.column + node.text.length, `${key} takes a whole number up to ${max}`);
      return parsed;
    };
    switch (key) {
      case 'subscribe':
        endpoint.subscriptions.push(value?.quoted && words.length === 2 ? value.text : rest);
        return;
      case 'routing-id':
        if (!rest) return this.error(node, node.column, node.column + key.length, 'routing-id needs a value (text or hex:...)');
        endpoint.routingId = value?.quoted && words.length === 2 ? value.text : rest;
        return;
      case 'sndhwm':
      case 'send-hwm':
        endpoint.sendHighWaterMark = count(100_000_000);
        return;
      case 'rcvhwm':
      case 'receive-hwm':
        endpoint.receiveHighWaterMark = count(100_000_000);
        return;
      case 'linger':
        endpoint.linger = count(3_600_000);
        return;
      case 'reconnect': {
        const ms = value && parseDuration(value.text);
        if (ms === undefined)
          return this.error(node, value?.column ?? node.column, node.column + node.text.length, 'reconnect takes a duration such as 100ms');
        endpoint.reconnectIntervalMs = ms;
        return;
      }
      case 'security': {
        const security = this.security(node, words);
        if (security) endpoint.security = security;
        return;
      }
      default:
        this.error(
          node,
          node.column,
          node.column + key.length,
          `"${key.slice(0, 40)}" is not an endpoint option: subscribe, routing-id, sndhwm, rcvhwm, linger, reconnect, security`,
        );
    }
  }

  private security(node: LineNode, words: Word[]): EndpointSecurity | undefined {
    const mechanism = words[1]?.text;
    const mechanisms = ['curve-client', 'curve-server', 'plain-client', 'plain-server'];
    if (!mechanism || !mechanisms.includes(mechanism))
      return void this.error(
        node,
        words[1]?.column ?? node.column,
        node.column + node.text.length,
        `security takes a mechanism: ${mechanisms.join(', ')}`,
      );
    const options = new Map<string, string>();
    const allowed: Record<string, string[]> = {
      'curve-client': ['server-key', 'keypair'],
      'curve-server': ['keypair', 'allow'],
      'plain-client': ['user', 'password'],
      'plain-server': ['users', 'password'],
    };
    for (const word of words.slice(2)) {
      const eq = word.text.indexOf('=');
      const key = eq > 0 ? word.text.slice(0, eq) : word.text;
      if (eq <= 0 || !allowed[mechanism].includes(key))
        return void this.error(
          node,
          word.column,
          word.endColumn,
          `${mechanism} takes ${allowed[mechanism].map((k) => `${k}=...`).join(' ')}`,
        );
      options.set(key, word.text.slice(eq + 1));
    }
    const list = (key: string) => options.get(key)?.split(',').filter(Boolean);
    const required = (key: string) => {
      if (options.get(key)) return true;
      this.error(node, node.column, node.column + node.text.length, `${mechanism} needs ${key}=...`);
      return false;
    };
    switch (mechanism) {
      case 'curve-client':
        if (!required('server-key')) return undefined;
        return {
          mechanism,
          serverPublicKey: options.get('server-key'),
          ...(options.has('keypair') ? { keyPair: options.get('keypair') } : {}),
        };
      case 'curve-server':
        if (!required('keypair')) return undefined;
        return { mechanism, keyPair: options.get('keypair'), ...(options.has('allow') ? { allowedClientKeys: list('allow') } : {}) };
      case 'plain-client':
        if (!required('user')) return undefined;
        return { mechanism, username: options.get('user'), ...(options.has('password') ? { passwordName: options.get('password') } : {}) };
      default:
        return {
          mechanism: 'plain-server',
          ...(options.has('users') ? { users: list('users') } : {}),
          ...(options.has('password') ? { passwordName: options.get('password') } : {}),
        };
    }
  }
}
