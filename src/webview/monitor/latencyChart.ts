// The request-reply taps' round-trip times over time: per second, a column of latency buckets shaded by
// how many pairs fell in each (a heatmap drawn under the lines), with the p50 and p99 lines over it.
// One chart per tap (at most MAX_TAPS; the rest are counted).
import uPlot from 'uplot';
import type { LatencySliceView, TapLatencyView } from '../../shared/monitorProtocol';
import { el } from '../dom';
import { formatCount } from '../format';

const MAX_TAPS = 4;
const WINDOW_SECONDS = 300;
const HEIGHT = 200;
/** The first bucket starts here (a log scale has no zero), the open last one ends here. */
const FLOOR_MS = 0.05;

interface TapSeries {
  name: string;
  bucketUpperMs: number[];
  slices: LatencySliceView[];
  chart?: uPlot;
  box: HTMLElement;
  caption: HTMLElement;
}

export class LatencyCharts {
  readonly root: HTMLElement;
  readonly heading: HTMLElement;
  private readonly taps = new Map<string, TapSeries>();
  private readonly note: HTMLElement;

  constructor(private readonly axes: (unit: string) => uPlot.Axis[]) {
    this.heading = el('h2', { text: 'Tap round-trip times (shade: pairs per latency bucket each second; lines: p50, p99)' });
    this.note = el('div', { className: 'hidden-note' });
    this.root = el('div', { className: 'latency-charts' }, this.note);
    this.heading.hidden = this.root.hidden = true;
  }

  reset(): void {
    for (const tap of this.taps.values()) tap.chart?.destroy();
    this.taps.clear();
    this.root.replaceChildren(this.note);
  }

  apply(updates: TapLatencyView[]): void {
    const live = new Set(updates.map((u) => u.id));
    for (const [id, tap] of this.taps)
      if (!live.has(id)) {
        tap.chart?.destroy();
        tap.box.remove();
        tap.caption.remove();
        this.taps.delete(id);
      }
    for (const update of updates.slice(0, MAX_TAPS)) {
      let tap = this.taps.get(update.id);
      if (!tap) {
        tap = {
          name: update.name,
          bucketUpperMs: update.bucketUpperMs,
          slices: [],
          box: el('div', { className: 'chart chart-latency' }),
          caption: el('div', { className: 'latency-caption' }),
        };
        this.taps.set(update.id, tap);
        this.root.append(tap.caption, tap.box);
      }
      tap.name = update.name;
      tap.bucketUpperMs = update.bucketUpperMs;
      tap.slices.push(...update.slices);
      if (tap.slices.length > WINDOW_SECONDS) tap.slices.splice(0, tap.slices.length - WINDOW_SECONDS);
    }
    this.note.textContent = updates.length > MAX_TAPS ? `… and ${formatCount(updates.length - MAX_TAPS)} more taps` : '';
    this.heading.hidden = this.root.hidden = this.taps.size === 0;
  }

  render(): void {
    for (const tap of this.taps.values()) this.renderTap(tap);
  }

  resize(): void {
    for (const tap of this.taps.values()) tap.chart?.setSize({ width: tap.box.clientWidth || 600, height: HEIGHT });
  }

  private renderTap(tap: TapSeries): void {
    const slices = tap.slices;
    const last = slices.at(-1);
    const pairs = slices.reduce((n, s) => n + s.counts.reduce((a, b) => a + b, 0), 0);
    const lastSecond = last && last.max ? ` · last second p50 ${ms(last.p50)}, p99 ${ms(last.p99)}, max ${ms(last.max)}` : '';
    tap.caption.textContent = `${tap.name}: ${formatCount(pairs)} round trips in view${lastSecond}`;
    // Seconds without a round trip have no percentile: null leaves a gap in the lines.
    const data: uPlot.AlignedData = [
      slices.map((s) => s.timeMs / 1000),
      slices.map((s) => (s.max ? Math.max(FLOOR_MS, s.p50) : null)),
      slices.map((s) => (s.max ? Math.max(FLOOR_MS, s.p99) : null)),
    ];
    if (tap.chart) {
      tap.chart.setData(data);
      return;
    }
    const options: uPlot.Options = {
      width: tap.box.clientWidth || 600,
      height: HEIGHT,
      series: [
        { label: 'Time', value: (_u, v) => (v === null ? '--' : new Date(v * 1000).toTimeString().slice(0, 8)) },
        { label: 'p50', stroke: '#4ec9b0', width: 1.5, value: (_u, v) => (v === null ? '--' : ms(v)) },
        { label: 'p99', stroke: '#f14c4c', width: 1.5, value: (_u, v) => (v === null ? '--' : ms(v)) },
      ],
      axes: this.axes('ms'),
      // At least a minute in view, as the rate charts: a tap that just started is not stretched across.
      scales: {
        x: { time: true, range: (_u, min, max) => [Math.min(min, max - 60), max] },
        y: { distr: 3, range: (_u, min, max) => [FLOOR_MS, Math.max(10, (max || 1) * 2, min || 1)] },
      },
      hooks: { drawClear: [(u) => drawHeatmap(u, tap)] },
    };
    tap.chart = new uPlot(options, data, tap.box);
  }
}

/** Shades each second's buckets under the lines, by the share of that second's pairs they hold. */
function drawHeatmap(u: uPlot, tap: TapSeries): void {
  const ctx = u.ctx;
  const bounds = [FLOOR_MS, ...tap.bucketUpperMs, Math.max(5000, (tap.bucketUpperMs.at(-1) ?? 1000) * 2)];
  const xs = u.data[0];
  if (xs.length < 1) return;
  const step = xs.length > 1 ? (xs[xs.length - 1] - xs[0]) / (xs.length - 1) : 1;
  const halfWidth = Math.max(1, (u.valToPos(xs[0] + step, 'x', true) - u.valToPos(xs[0], 'x', true)) / 2);
  ctx.save();
  ctx.beginPath();
  ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
  ctx.clip();
  for (let i = 0; i < tap.slices.length && i < xs.length; i++) {
    const counts = tap.slices[i].counts;
    const total = counts.reduce((a, b) => a + b, 0);
    if (!total) continue;
    const x = u.valToPos(xs[i], 'x', true);
    for (let b = 0; b < counts.length; b++) {
      if (!counts[b]) continue;
      const top = u.valToPos(bounds[b + 1], 'y', true);
      const bottom = u.valToPos(bounds[b], 'y', true);
      ctx.fillStyle = `rgba(55, 148, 255, ${(0.15 + 0.85 * (counts[b] / total)).toFixed(3)})`;
      ctx.fillRect(x - halfWidth, top, halfWidth * 2, bottom - top);
    }
  }
  ctx.restore();
}

function ms(value: number): string {
  return value < 1 ? `${value.toFixed(2)} ms` : value < 100 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`;
}
