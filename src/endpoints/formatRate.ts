// Message rates as the Endpoints view and the status bar show them.
export function formatRate(perSecond: number): string {
  if (perSecond >= 1_000_000) return `${(perSecond / 1_000_000).toFixed(1)}M/s`;
  if (perSecond >= 10_000) return `${Math.round(perSecond / 1000)}k/s`;
  return `${Math.round(perSecond)}/s`;
}
