// The topic tree drawer: topics split into levels, each with its count, rate, last-seen time and last
// value; clicking a level filters the list to it. Refreshed every second while open (new topics appear).
import type { TopicNodeView, TopicTreeView } from '../shared/inspectorProtocol';
import { el, icon, iconButton } from './dom';
import { formatCount, formatDateTime } from './format';

export interface TopicTreePaneEvents {
  fetch(): Promise<TopicTreeView>;
  /** A level was picked: filter on this topic prefix. */
  pick(prefix: string): void;
}

const REFRESH_MS = 1000;

export class TopicTreePane {
  readonly element: HTMLElement;
  private readonly tree: HTMLElement;
  private readonly status: HTMLElement;
  private readonly expanded = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private open = false;

  constructor(private readonly events: TopicTreePaneEvents) {
    this.tree = el('ul', { className: 'topic-tree', attrs: { role: 'tree', 'aria-label': 'Topics' } });
    this.status = el('div', { className: 'topic-status' });
    this.element = el(
      'aside',
      { className: 'topic-pane', attrs: { 'aria-label': 'Topic tree' } },
      el(
        'div',
        { className: 'topic-pane-title' },
        el('span', { text: 'Topics' }),
        iconButton('close', '', 'Close the topic tree', () => this.toggle(false), 'btn icon-btn'),
      ),
      this.status,
      this.tree,
    );
    this.element.hidden = true;
  }

  get isOpen(): boolean {
    return this.open;
  }

  toggle(open = !this.open): void {
    this.open = open;
    this.element.hidden = !open;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (open) void this.refresh();
  }

  private async refresh(): Promise<void> {
    if (!this.open) return;
    try {
      const view = await this.events.fetch();
      if (!this.open) return;
      this.render(view);
    } catch (error) {
      this.status.textContent = error instanceof Error ? error.message : String(error);
    }
    this.timer = setTimeout(() => void this.refresh(), REFRESH_MS);
  }

  private render(view: TopicTreeView): void {
    const root = view.root;
    const split = view.separator ? `split on "${view.separator}"` : 'not split (no common separator)';
    this.status.textContent = root.children.length
      ? `${formatCount(root.count)} messages with a topic · ${split}${view.complete ? '' : ' · counting…'}`
      : 'No message with a topic yet.';
    this.tree.replaceChildren(...root.children.map((child) => this.renderNode(child, view.separator, 1)));
  }

  private renderNode(node: TopicNodeView, separator: string, level: number): HTMLElement {
    const hasChildren = node.children.length > 0;
    const open = this.expanded.has(node.path) || (level === 1 && this.expanded.size === 0 && hasChildren);
    const item = el('li', {
      className: 'topic-node',
      attrs: { role: 'treeitem', 'aria-level': String(level), ...(hasChildren ? { 'aria-expanded': String(open) } : {}) },
    });
    const twisty = el(
      'button',
      { className: 'topic-twisty', attrs: { type: 'button', tabindex: '-1', 'aria-hidden': 'true' } },
      hasChildren ? icon(open ? 'chevron-down' : 'chevron-right') : undefined,
    );
    twisty.addEventListener('click', () => {
      if (!hasChildren) return;
      if (open) this.expanded.delete(node.path);
      else this.expanded.add(node.path);
      // The first level opens by default only until the user chooses.
      if (this.expanded.size === 0) this.expanded.add('\u0000');
      void this.refreshSoon();
    });
    const name = el('button', {
      className: 'topic-name',
      text: node.name || '(empty)',
      title: `Filter on ${node.path}${hasChildren ? separator + '…' : ''}\nLast message ${formatDateTime(node.lastSeenMs)}`,
      attrs: { type: 'button' },
    });
    name.addEventListener('click', () => this.events.pick(hasChildren && separator ? node.path + separator : node.path));
    const row = el(
      'div',
      { className: 'topic-row' },
      twisty,
      name,
      el('span', { className: 'topic-count', text: formatCount(node.count), title: `${formatCount(node.count)} messages` }),
      el('span', {
        className: 'topic-rate',
        text: node.rate ? `${node.rate.toFixed(node.rate < 10 ? 1 : 0)}/s` : '',
        title: 'Messages a second over the last 10 s',
      }),
      node.lastValue !== undefined ? el('span', { className: 'topic-value', text: node.lastValue, title: node.lastValue }) : undefined,
    );
    item.append(row);
    if (hasChildren && open) {
      const group = el('ul', { attrs: { role: 'group' } });
      group.append(...node.children.map((child) => this.renderNode(child, separator, level + 1)));
      item.append(group);
    }
    return item;
  }

  private async refreshSoon(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.refresh();
  }
}
