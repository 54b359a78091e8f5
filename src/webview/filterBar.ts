// The toolbar: text filter (with `topic:` terms), topic prefix, session and direction pickers, the
// capture status, and the "paused — N new" chip of the live tail.
import type { FilterPresetInfo, FilterSpec, SessionInfo } from '../shared/inspectorProtocol';
import { el, icon } from './dom';
import { formatCount } from './format';

export interface FilterBarEvents {
  filterChanged(filter: FilterSpec): void;
  jumpToLatest(): void;
  toggleTopics(): void;
}

const TEXT_DEBOUNCE_MS = 150;

export class FilterBar {
  readonly element: HTMLElement;
  private readonly text: HTMLInputElement;
  private readonly expression: HTMLInputElement;
  private readonly presetBox: HTMLElement;
  /** Presets switched on by the user; undefined until they touch one (the settings' defaults apply). */
  private presetsOn: string[] | undefined;
  private presetsKey = '';
  private readonly topic: HTMLInputElement;
  private readonly session: HTMLSelectElement;
  private readonly direction: HTMLSelectElement;
  private readonly status: HTMLElement;
  private readonly problem: HTMLElement;
  private readonly chip: HTMLButtonElement;
  private sessionsKey = '';
  private wantedSessionId = '';
  private debounce: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly events: FilterBarEvents) {
    this.text = el('input', {
      className: 'filter-text',
      attrs: { type: 'search', placeholder: 'Filter: text in any frame, topic:prefix', 'aria-label': 'Filter text', spellcheck: 'false' },
    });
    this.expression = el('input', {
      className: 'filter-expression',
      attrs: {
        type: 'search',
        placeholder: 'Expression: topic ^= "ticks." && $.price > 100',
        'aria-label': 'Field filter expression',
        title:
          'Fields: seq, time, session, direction, frames, size, topic, tag, type, body; $ is ' +
          'the decoded payload ($.price, $.a[0]), $0, $1... frame N.\nOperators: == != < <= > ' +
          '>= && || ! ^= (starts with) $= (ends with) *= (contains) ~= (contains, any case) in ' +
          '[..]; numbers 1k 2M 64Ki; len() lower() upper() exists() number() string() abs().',
        spellcheck: 'false',
      },
    });
    this.presetBox = el('span', { className: 'filter-presets', attrs: { role: 'group', 'aria-label': 'Filter presets' } });
    this.topic = el('input', {
      className: 'filter-topic',
      attrs: { type: 'search', placeholder: 'Topic prefix', 'aria-label': 'Topic prefix (text, or hex:0a0b)', spellcheck: 'false' },
    });
    this.session = el(
      'select',
      { className: 'filter-session', attrs: { 'aria-label': 'Session' } },
      el('option', { text: 'All sessions', attrs: { value: '' } }),
    );
    this.direction = el(
      'select',
      { className: 'filter-direction', attrs: { 'aria-label': 'Direction' } },
      el('option', { text: 'In and out', attrs: { value: '' } }),
      el('option', { text: 'In (received)', attrs: { value: 'in' } }),
      el('option', { text: 'Out (sent)', attrs: { value: 'out' } }),
    );
    this.status = el('span', { className: 'status', attrs: { 'aria-live': 'off' } });
    const topics = el('button', {
      className: 'btn topics-toggle',
      text: ' Topics',
      title: 'Show the topic tree: counts, rates and last values; click a topic to filter on it',
      attrs: { type: 'button' },
    });
    topics.prepend(icon('list-tree'));
    topics.addEventListener('click', () => events.toggleTopics());
    this.problem = el('span', { className: 'filter-problem', attrs: { role: 'alert' } });
    this.chip = el('button', {
      className: 'tail-chip',
      attrs: { type: 'button', title: 'Scroll to the newest message and follow new ones' },
    });
    this.chip.hidden = true;
    this.chip.addEventListener('click', () => events.jumpToLatest());
    this.element = el(
      'div',
      { className: 'toolbar', attrs: { role: 'search' } },
      topics,
      this.text,
      this.expression,
      this.presetBox,
      this.topic,
      this.session,
      this.direction,
      this.problem,
      el('span', { className: 'spacer' }),
      this.chip,
      this.status,
    );
    this.text.addEventListener('input', () => this.changedSoon());
    this.topic.addEventListener('input', () => this.changedSoon());
    this.expression.addEventListener('input', () => this.changedSoon());
    this.expression.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') this.changedNow();
    });
    this.text.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') this.changedNow();
    });
    this.session.addEventListener('change', () => {
      this.wantedSessionId = this.session.value;
      this.changedNow();
    });
    this.direction.addEventListener('change', () => this.changedNow());
  }

  get value(): FilterSpec {
    return {
      text: this.text.value,
      topic: this.topic.value,
      sessionId: this.session.value || this.wantedSessionId,
      direction: this.direction.value as FilterSpec['direction'],
      expression: this.expression.value,
      ...(this.presetsOn ? { presets: [...this.presetsOn] } : {}),
    };
  }

  set value(filter: FilterSpec) {
    this.text.value = filter.text;
    this.topic.value = filter.topic;
    this.wantedSessionId = filter.sessionId;
    this.session.value = filter.sessionId;
    this.direction.value = filter.direction;
    this.expression.value = filter.expression ?? '';
    this.presetsOn = filter.presets ? [...filter.presets] : undefined;
  }

  /** One toggle per saved preset; on by default when the setting says so, until the user chooses. */
  setPresets(presets: FilterPresetInfo[]): void {
    const key = JSON.stringify([presets, this.presetsOn]);
    if (key === this.presetsKey) return;
    this.presetsKey = key;
    const on = this.presetsOn ?? presets.filter((p) => p.enabled).map((p) => p.name);
    this.presetBox.replaceChildren(
      ...presets.map((preset) => {
        const pressed = on.includes(preset.name);
        const toggle = el('button', {
          className: 'preset-toggle',
          text: preset.name,
          title: `${pressed ? 'On' : 'Off'}: ${preset.expression}`,
          attrs: { type: 'button', 'aria-pressed': String(pressed) },
        });
        toggle.addEventListener('click', () => {
          const current = this.presetsOn ?? presets.filter((p) => p.enabled).map((p) => p.name);
          this.presetsOn = current.includes(preset.name) ? current.filter((n) => n !== preset.name) : [...current, preset.name];
          this.setPresets(presets);
          this.changedNow();
        });
        return toggle;
      }),
    );
    this.presetBox.hidden = presets.length === 0;
  }

  /** Sets the topic prefix (from the topic tree) and applies the filter. */
  setTopic(prefix: string): void {
    this.topic.value = prefix;
    this.changedNow();
  }

  focusText(): void {
    this.text.focus();
    this.text.select();
  }

  /** Keeps a restored session choice even before that session is listed (it may not be open yet). */
  setSessions(sessions: SessionInfo[]): void {
    const key = sessions.map((s) => `${s.id}\u0000${s.name}\u0000${s.open}`).join('\u0001');
    if (key === this.sessionsKey) return;
    this.sessionsKey = key;
    const options = [el('option', { text: 'All sessions', attrs: { value: '' } })];
    for (const session of sessions) {
      options.push(
        el('option', { text: `${session.name} (${session.type})${session.open ? '' : ' — closed'}`, attrs: { value: session.id } }),
      );
    }
    this.session.replaceChildren(...options);
    this.session.value = this.wantedSessionId;
    if (this.session.value !== this.wantedSessionId) this.session.value = '';
  }

  setStatus(text: string, title: string): void {
    this.status.textContent = text;
    this.status.title = title;
  }

  setProblem(text: string): void {
    this.problem.textContent = text;
    this.problem.hidden = !text;
  }

  /** newCount < 0 hides the chip (following the tail). */
  setPaused(newCount: number): void {
    this.chip.hidden = newCount < 0;
    // The pause glyph is drawn in CSS: U+23F8 is missing from many UI fonts.
    if (newCount >= 0) this.chip.replaceChildren(icon('debug-pause'), `paused — ${formatCount(newCount)} new, jump to latest`);
  }

  private changedSoon(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.changedNow(), TEXT_DEBOUNCE_MS);
  }

  private changedNow(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = undefined;
    this.events.filterChanged(this.value);
  }
}
