// The monitoring panel: live charts (uPlot) of messages a second per session and per topic over the
// last minutes, the share of traffic per topic ("what is flooding"), and plotted fields with their
// values and message numbers on hover. A click on a topic or a dragged time range filters the inspector;
// a click on a field point opens that message.
import uPlot from 'uplot';
import {
  MonitorMessageType,
  type FieldSeriesUpdate,
  type FromMonitorMessage,
  type MonitorUpdate,
  type RateSeriesUpdate,
  type ToMonitorMessage,
} from '../../shared/monitorProtocol';
import { button, el, iconButton } from '../dom';
import { formatCount } from '../format';
import { HealthView } from './healthView';
import { LatencyCharts } from './latencyChart';

export interface MonitorVsCodeApi {
  postMessage(message: FromMonitorMessage): void;
}

/** Seconds of history the rate charts show at most, and at least (a panel just opened shows a minute). */
const WINDOW_SECONDS = 300;
const MIN_WINDOW_SECONDS = 60;
const MAX_FIELD_POINTS = 2000;
const PALETTE = ['#3794ff', '#e5a00d', '#4ec9b0', '#f14c4c', '#b180d7', '#89d185', '#d18616', '#2bb8c9', '#c586c0', '#cca700'];

interface RateSeries {
  label: string;
  /** Messages per second by second (ms since epoch). */
  bySecond: Map<number, number>;
}

interface FieldSeries {
  label: string;
  points: { timeMs: number; value: number; seq: number }[];
}

export class MonitorApp {
  private readonly sessions = new Map<string, RateSeries>();
  private readonly topics = new Map<string, RateSeries>();
  private readonly fields = new Map<string, FieldSeries>();
  private nowMs = Date.now();
  private paused = false;
  private readonly charts: { sessions?: uPlot; topics?: uPlot; fields?: uPlot } = {};
  private chartKeys = { sessions: '', topics: '', fields: '' };
  private readonly sessionBox: HTMLElement;
  private readonly topicBox: HTMLElement;
  private readonly fieldBox: HTMLElement;
  private readonly shareTable: HTMLElement;
  private readonly fieldList: HTMLElement;
  private readonly status: HTMLElement;
  private readonly hover: HTMLElement;
  private readonly pauseButton: HTMLButtonElement;
  private readonly health: HealthView;
  private readonly latency: LatencyCharts;
  /** The first second the panel has data for: the charts do not claim zero traffic before it. */
  private firstSecond = Number.POSITIVE_INFINITY;

  constructor(
    private readonly api: MonitorVsCodeApi,
    root: HTMLElement,
  ) {
    this.status = el('span', { className: 'monitor-status', attrs: { 'aria-live': 'off' } });
    this.pauseButton = button('Pause', 'Freeze the charts (data keeps coming in)', () => this.togglePause(), 'btn monitor-pause');
    this.sessionBox = el('div', { className: 'chart chart-sessions', attrs: { 'aria-label': 'Messages a second per session' } });
    this.topicBox = el('div', { className: 'chart chart-topics', attrs: { 'aria-label': 'Messages a second per topic' } });
    this.fieldBox = el('div', { className: 'chart chart-fields', attrs: { 'aria-label': 'Plotted fields' } });
    this.shareTable = el('table', { className: 'share-table' });
    this.fieldList = el('div', { className: 'field-list' });
    this.hover = el('div', { className: 'field-hover', attrs: { role: 'status' } });
    this.health = new HealthView({
      onFinding: (finding) =>
        this.api.postMessage({
          type: MonitorMessageType.FilterInspector,
          sessionId: finding.sessionId,
          ...(finding.seq !== undefined ? { selectSeq: finding.seq } : {}),
        }),
    });
    this.latency = new LatencyCharts(axes);
    root.replaceChildren(
      el('div', { className: 'monitor-toolbar' }, this.pauseButton, this.status),
      el('h2', { text: 'Sessions and their peers' }),
      this.health.sessionsTable,
      this.health.findingsHeading,
      this.health.findingsList,
      el('h2', { text: 'Messages a second per session' }),
      this.sessionBox,
      el('h2', { text: 'Messages a second per topic (drag a range to filter the inspector)' }),
      this.topicBox,
      el('h2', { text: 'Share of traffic per topic, last 10 seconds (click to filter the inspector)' }),
      this.shareTable,
      el('h2', { text: 'Plotted fields (from "Plot this field" in the inspector; click a point to open its message)' }),
      this.fieldList,
      this.fieldBox,
      this.hover,
      this.latency.heading,
      this.latency.root,
    );
    window.addEventListener('message', (event: MessageEvent<ToMonitorMessage>) => this.receive(event.data));
    window.addEventListener('resize', () => this.resize());
  }

  start(): void {
    this.api.postMessage({ type: MonitorMessageType.Ready });
  }

  private receive(message: ToMonitorMessage): void {
    if (!message || typeof message !== 'object') return;
    if (message.type === MonitorMessageType.Reset) {
      this.sessions.clear();
      this.topics.clear();
      this.fields.clear();
      this.latency.reset();
      this.firstSecond = Number.POSITIVE_INFINITY;
      return;
    }
    if (message.type === MonitorMessageType.Update) this.apply(message);
  }

  private apply(update: MonitorUpdate): void {
    this.nowMs = update.nowMs;
    for (const series of [...update.sessions, ...update.topics])
      if (series.points.length) this.firstSecond = Math.min(this.firstSecond, Math.floor(series.points[0].timeMs / 1000));
    merge(this.sessions, update.sessions);
    merge(this.topics, update.topics);
    this.latency.apply(update.latency ?? []);
    if (update.health) this.health.render(update.health, update.nowMs);
    for (const { key, label } of update.plotted) if (!this.fields.has(key)) this.fields.set(key, { label, points: [] });
    for (const key of [...this.fields.keys()]) if (!update.plotted.some((p) => p.key === key)) this.fields.delete(key);
    for (const series of update.fields) this.addFieldPoints(series);
    this.status.textContent = update.behind ? `catching up: ${formatCount(update.behind)} messages not yet counted` : '';
    if (!this.paused) this.render();
  }

  private addFieldPoints(series: FieldSeriesUpdate): void {
    const kept = this.fields.get(series.key) ?? { label: series.label, points: [] };
    kept.points.push(...series.points);
    if (kept.points.length > MAX_FIELD_POINTS) kept.points.splice(0, kept.points.length - MAX_FIELD_POINTS);
    this.fields.set(series.key, kept);
  }

  private togglePause(): void {
    this.paused = !this.paused;
    this.pauseButton.textContent = this.paused ? 'Resume' : 'Pause';
    if (!this.paused) this.render();
  }

  private render(): void {
    const end = Math.floor(this.nowMs / 1000) - 1;
    const start = Math.max(end - WINDOW_SECONDS + 1, Math.min(this.firstSecond, end - MIN_WINDOW_SECONDS + 1));
    const seconds: number[] = [];
    for (let s = start; s <= end; s++) seconds.push(s);
    this.renderRates('sessions', this.sessionBox, this.sessions, seconds, false);
    this.renderRates('topics', this.topicBox, this.topics, seconds, true);
    this.renderShare(end);
    this.renderFields();
    this.latency.render();
  }

  private renderRates(
    name: 'sessions' | 'topics',
    box: HTMLElement,
    series: Map<string, RateSeries>,
    seconds: number[],
    selectable: boolean,
  ): void {
    const keys = [...series.keys()].slice(0, 24);
    // Before the panel's first second nothing is known: null (no line), not zero.
    const value = (key: string, s: number) => series.get(key)!.bySecond.get(s * 1000) ?? (s < this.firstSecond ? null : 0);
    const data: uPlot.AlignedData = [seconds, ...keys.map((key) => seconds.map((s) => value(key, s)))];
    const chartKey = keys.join('\u0000');
    let chart = this.charts[name];
    if (!chart || this.chartKeys[name] !== chartKey) {
      chart?.destroy();
      const options: uPlot.Options = {
        width: box.clientWidth || 600,
        height: 180,
        series: [
          TIME_SERIES,
          ...keys.map((key, i) => ({ label: series.get(key)!.label, stroke: PALETTE[i % PALETTE.length], width: 1.5 })),
        ],
        axes: axes('msg/s'),
        scales: { x: { time: true } },
        legend: { live: true },
        cursor: { drag: { x: selectable, y: false } },
        hooks: selectable ? { setSelect: [(u) => this.selected(u)] } : {},
      };
      chart = new uPlot(options, data, box);
      this.charts[name] = chart;
      this.chartKeys[name] = chartKey;
    } else chart.setData(data);
    showLatest(chart);
  }

  private selected(u: uPlot): void {
    if (u.select.width < 2) return;
    const fromMs = Math.round(u.posToVal(u.select.left, 'x') * 1000);
    const toMs = Math.round(u.posToVal(u.select.left + u.select.width, 'x') * 1000);
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    this.api.postMessage({ type: MonitorMessageType.FilterInspector, fromMs, toMs });
  }

  private renderShare(end: number): void {
    const rows: { key: string; count: number }[] = [];
    let total = 0;
    for (const [key, series] of this.topics) {
      let count = 0;
      for (let s = end - 9; s <= end; s++) count += series.bySecond.get(s * 1000) ?? 0;
      total += count;
      rows.push({ key, count });
    }
    rows.sort((a, b) => b.count - a.count);
    const body = rows.slice(0, 12).map((row) => {
      const share = total ? row.count / total : 0;
      const name = el('button', {
        className: 'share-topic',
        text: row.key,
        attrs: { type: 'button', title: `Filter the inspector on ${row.key}` },
      });
      name.addEventListener('click', () => this.api.postMessage({ type: MonitorMessageType.FilterInspector, topic: row.key }));
      const bar = el('span', { className: 'share-bar' });
      bar.style.width = `${Math.round(share * 100)}%`;
      return el(
        'tr',
        {},
        el('td', {}, name),
        el('td', { className: 'share-count', text: `${formatCount(row.count)}` }),
        el('td', { className: 'share-percent', text: `${(share * 100).toFixed(1)}%` }),
        el('td', { className: 'share-cell' }, bar),
      );
    });
    this.shareTable.replaceChildren(
      ...(body.length ? body : [el('tr', {}, el('td', { text: 'No message with a topic in the last 10 seconds.' }))]),
    );
  }

  private renderFields(): void {
    const keys = [...this.fields.keys()];
    this.fieldList.replaceChildren(
      ...keys.map((key, i) => {
        const series = this.fields.get(key)!;
        const last = series.points.at(-1);
        const swatch = el('span', { className: 'swatch' });
        swatch.style.background = PALETTE[i % PALETTE.length];
        return el(
          'span',
          { className: 'field-chip' },
          swatch,
          `${series.label}${last ? ` = ${last.value}` : ''}`,
          iconButton(
            'close',
            '',
            `Stop plotting ${series.label}`,
            () => {
              this.fields.delete(key);
              this.api.postMessage({ type: MonitorMessageType.RemoveField, key });
              this.renderFields();
            },
            'btn icon-btn',
          ),
        );
      }),
    );
    this.fieldBox.hidden = keys.length === 0;
    if (!keys.length) {
      this.charts.fields?.destroy();
      this.charts.fields = undefined;
      this.chartKeys.fields = '';
      return;
    }
    // One x axis for all fields: the union of their times, each series null where it has no point.
    const tables: uPlot.AlignedData[] = keys.map((key) => {
      const points = this.fields.get(key)!.points;
      return [points.map((p) => p.timeMs / 1000), points.map((p) => p.value)];
    });
    const data = uPlot.join(tables);
    const chartKey = keys.join('\u0000');
    let chart = this.charts.fields;
    if (!chart || this.chartKeys.fields !== chartKey) {
      chart?.destroy();
      const options: uPlot.Options = {
        width: this.fieldBox.clientWidth || 600,
        height: 220,
        series: [
          TIME_SERIES,
          ...keys.map((key, i) => ({
            label: this.fields.get(key)!.label,
            stroke: PALETTE[i % PALETTE.length],
            width: 1.5,
            spanGaps: true,
            points: { show: true, size: 4 },
          })),
        ],
        axes: axes('', false),
        scales: { x: { time: true } },
        hooks: { setCursor: [(u) => this.hovered(u)] },
      };
      chart = new uPlot(options, data, this.fieldBox);
      chart.over.addEventListener('click', () => {
        const seq = this.seqAtCursor(chart!);
        if (seq !== undefined) this.api.postMessage({ type: MonitorMessageType.OpenMessage, seq });
      });
      this.charts.fields = chart;
      this.chartKeys.fields = chartKey;
    } else chart.setData(data);
  }

  private hovered(u: uPlot): void {
    const found = this.pointAtCursor(u);
    this.hover.textContent = found ? `${found.label}: ${found.value} · message #${found.seq} (click to open)` : '';
  }

  private seqAtCursor(u: uPlot): number | undefined {
    return this.pointAtCursor(u)?.seq;
  }

  /** The field point under the cursor: the series nearest in value at the hovered time. */
  private pointAtCursor(u: uPlot): { label: string; value: number; seq: number } | undefined {
    const idx = u.cursor.idx;
    if (idx === null || idx === undefined) return undefined;
    const timeMs = Math.round((u.data[0][idx] as number) * 1000);
    for (const series of this.fields.values()) {
      const point = series.points.find((p) => Math.round(p.timeMs) === timeMs);
      if (point) return { label: series.label, value: point.value, seq: point.seq };
    }
    return undefined;
  }

  private resize(): void {
    for (const [name, box] of [
      ['sessions', this.sessionBox],
      ['topics', this.topicBox],
      ['fields', this.fieldBox],
    ] as const)
      this.charts[name]?.setSize({ width: box.clientWidth || 600, height: name === 'fields' ? 220 : 180 });
    this.latency.resize();
  }
}

function merge(target: Map<string, RateSeries>, updates: RateSeriesUpdate[]): void {
  for (const update of updates) {
    let series = target.get(update.key);
    if (!series) {
      series = { label: update.label, bySecond: new Map() };
      target.set(update.key, series);
    }
    series.label = update.label;
    for (const point of update.points) series.bySecond.set(point.timeMs, (series.bySecond.get(point.timeMs) ?? 0) + point.messages);
    // Seconds older than the window are forgotten.
    if (series.bySecond.size > WINDOW_SECONDS * 2) {
      const oldest = [...series.bySecond.keys()].sort((a, b) => a - b).slice(0, series.bySecond.size - WINDOW_SECONDS);
      for (const key of oldest) series.bySecond.delete(key);
    }
  }
}

function axes(unit: string, wholeSeconds = true): uPlot.Axis[] {
  const style = getComputedStyle(document.body);
  const stroke = style.getPropertyValue('--vscode-foreground') || '#ccc';
  const grid = style.getPropertyValue('--vscode-panel-border') || '#444';
  return [
    // Local clock time, one line: uPlot's default puts a date under the first tick, which collides with the next.
    {
      stroke,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid },
      space: 70,
      // Whole seconds: the labels have no fraction, so a half-second tick would repeat its neighbour's label.
      // (Plotted fields may all fall within one second: uPlot's own time ticks and labels there.)
      ...(wholeSeconds
        ? {
            incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600],
            values: (_u: uPlot, splits: number[]) => splits.map(clockLabel),
          }
        : {}),
    },
    { stroke, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, label: unit, size: 60 },
  ];
}

/** The x series: its legend shows the clock time of the hovered second. */
const TIME_SERIES: uPlot.Series = { label: 'Time', value: (_u, v) => (v === null ? '--' : clockLabel(v)) };

function clockLabel(seconds: number): string {
  const d = new Date(seconds * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** While the pointer is elsewhere, the legend shows the latest second's values instead of "--". */
function showLatest(chart: uPlot): void {
  if (chart.cursor.left !== undefined && chart.cursor.left >= 0) return;
  const last = chart.data[0].length - 1;
  if (last >= 0) chart.setLegend({ idx: last });
}
