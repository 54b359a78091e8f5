import type { EndpointVerdict } from './scanTypes';

/** The address to connect to for an endpoint (a `*` or 0.0.0.0 bind is reached on 127.0.0.1). */
export function connectableAddress(verdict: EndpointVerdict): string | undefined {
  const participant = [...verdict.binders, ...verdict.connectors].find((p) => p.endpoint.resolved);
  if (!participant || !participant.endpoint.resolved) return undefined;
  return participant.endpoint.address.replace(/^tcp:\/\/(\*|0\.0\.0\.0|\[::\]):/, 'tcp://127.0.0.1:');
}
