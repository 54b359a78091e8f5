// The probe's explanations: one sentence for the user for each way a probe ends (a peer and its
// mechanism, a server that is not ZeroMQ, a connection that failed).
import { printableText } from './zmtpGreeting';
import type { ObserverSuggestion } from './probeResult';

export function nullExplanation(socketType: string, version: string, observer: ObserverSuggestion | undefined): string {
  const head = `A ${socketType} socket speaking ZMTP ${version} without security`;
  if (!observer) return `${head}.`;
  if (observer.passive) return `${head}; a ${observer.socketType} can watch it without taking anything from its real peers.`;
  return (
    `${head}; a ${observer.socketType} can talk to it, but takes part in the pattern (it ` +
    `${observer.socketType === 'PULL' || observer.socketType === 'ROUTER' ? 'takes a share of its messages' : 'sends real messages'}).`
  );
}

export function securedExplanation(mechanism: string, version: string): string {
  if (mechanism === 'CURVE')
    return `CURVE server (ZMTP ${version}): the socket type is encrypted; configure a CURVE client with the server's public key to connect.`;
  if (mechanism === 'PLAIN')
    return `PLAIN server (ZMTP ${version}): the socket type comes after the login; configure a PLAIN user name and password to connect.`;
  if (mechanism === 'GSSAPI') return `GSSAPI server (ZMTP ${version}): Kerberos authentication, which the inspector cannot perform.`;
  return `A ZMTP ${version} peer using the unknown mechanism "${mechanism}", which the inspector cannot complete.`;
}

export function notZmtpExplanation(bytes: Uint8Array, reason: string): string {
  const first = printableText(bytes);
  const firstLine = first.split(/\r?\n/)[0].slice(0, 60);
  if (/^HTTP\/\d/.test(first)) return `HTTP server, not ZeroMQ (it answered "${firstLine}").`;
  if (first.startsWith('SSH-')) return `SSH server, not ZeroMQ (it announced "${firstLine}").`;
  // A TLS record header: type 21 (alert) or 22 (handshake), version 3.x.
  if ((bytes[0] === 0x15 || bytes[0] === 0x16) && bytes[1] === 0x03) return 'TLS server, not ZeroMQ (it answered with a TLS record).';
  return `Not a ZeroMQ peer: ${reason} (it sent "${first.slice(0, 40)}").`;
}

export function connectErrorWords(code: string, message: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'EHOSTUNREACH':
      return 'host unreachable';
    case 'ENETUNREACH':
      return 'network unreachable';
    case 'ENOTFOUND':
      return 'host name not found';
    case 'EAI_AGAIN':
      return 'host name lookup failed temporarily';
    case 'ETIMEDOUT':
      return 'connect timed out';
    case 'EADDRNOTAVAIL':
      return 'address not available';
    default:
      return message;
  }
}

export function connectExplanation(code: string, host: string, port: number, message: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return `Connection refused: nothing listens on ${host}:${port} (is the service running and bound to this interface?).`;
    case 'ENOTFOUND':
      return `The host name "${host}" does not resolve.`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `No route to ${host}: the host or its network is unreachable.`;
    default:
      return `Cannot connect to ${host}:${port}: ${message} (${code}).`;
  }
}
