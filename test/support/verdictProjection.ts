// Verdicts projected to short strings a test can compare: `[endpoint] binders / connectors` and one
// `severity code file:line -> related` line per finding.
import type { EndpointVerdict, SourceRange } from '../../src/core/scan';

export const at = (r: SourceRange) => `${r.file}:${r.line + 1}`;

/** `[endpoint] binders / connectors` and one `severity code file:line -> related` line per finding. */
export function project(verdicts: EndpointVerdict[]) {
  return verdicts.map((v) => ({
    endpoint: v.endpoint,
    binders: v.binders.map((p) => `${p.socketType ?? '?'} ${at(p.range)}`),
    connectors: v.connectors.map((p) => `${p.socketType ?? '?'} ${at(p.range)}`),
    findings: v.findings.map(
      (f) => `${f.severity} ${f.code} ${at(f.range)}${f.related.length ? ` -> ${f.related.map((r) => at(r.range)).join(', ')}` : ''}`,
    ),
  }));
}
