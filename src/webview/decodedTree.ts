// Renders a decoded value (JSON, protobuf fields, msgpack...) as a collapsible tree; children are
// built only when their node is first opened, so a huge document costs nothing until explored.
import type { DecodedTreeNode } from '../shared/inspectorProtocol';
import { el, icon } from './dom';

const CHILDREN_PER_BATCH = 500;

/** Called with the keys from the root to a numeric field when its "Plot" button is pressed. */
export type PlotHandler = (path: (string | number)[]) => void;

const PLOTTABLE = new Set(['number', 'integer', 'float', 'double', 'int32', 'int64', 'uint32', 'uint64']);

function containerSummary(node: DecodedTreeNode): string {
  const count = node.children?.length ?? 0;
  if (node.value !== undefined && node.value !== '') return node.value;
  if (node.type === 'array') return `[${count}]`;
  return `{${count}}`;
}

function lineFor(node: DecodedTreeNode, isContainer: boolean): HTMLElement {
  const line = el('span', { className: 'tree-line' });
  if (node.key !== undefined)
    line.append(el('span', { className: 'tree-key', text: node.key }), el('span', { className: 'tree-sep', text: ': ' }));
  if (isContainer) line.append(el('span', { className: 'tree-summary', text: containerSummary(node) }));
  else {
    const text = node.value === undefined ? node.type : node.type === 'string' ? `"${node.value}"` : node.value;
    line.append(el('span', { className: `tree-value t-${node.type.replace(/[^a-z0-9-]/gi, '')}`, text }));
  }
  return line;
}

interface Place {
  path: (string | number)[];
  onPlot?: PlotHandler;
}

function childPlace(place: Place, parent: DecodedTreeNode, child: DecodedTreeNode, index: number): Place {
  const key = parent.type === 'array' ? index : (child.key ?? String(index));
  return { path: [...place.path, key], onPlot: place.onPlot };
}

function appendChildren(
  list: HTMLElement,
  parent: DecodedTreeNode,
  children: DecodedTreeNode[],
  from: number,
  depth: number,
  expandDepth: number,
  place: Place,
): void {
  const to = Math.min(children.length, from + CHILDREN_PER_BATCH);
  for (let i = from; i < to; i++) list.append(renderNode(children[i], depth, expandDepth, childPlace(place, parent, children[i], i)));
  if (to < children.length) {
    const more = el('button', {
      className: 'btn link tree-more',
      text: `Show ${Math.min(CHILDREN_PER_BATCH, children.length - to)} more of ${children.length - to}`,
      attrs: { type: 'button' },
    });
    more.addEventListener('click', () => {
      more.remove();
      appendChildren(list, parent, children, to, depth, expandDepth, place);
    });
    list.append(more);
  }
}

function renderNode(node: DecodedTreeNode, depth: number, expandDepth: number, place: Place): HTMLElement {
  const children = node.children;
  if (!children || children.length === 0) {
    const leaf = lineFor(node, children !== undefined);
    const item = el('div', { className: 'tree-leaf', attrs: { role: 'treeitem' } }, leaf);
    const onPlot = place.onPlot;
    if (onPlot && place.path.length && PLOTTABLE.has(node.type)) {
      const plot = el('button', {
        className: 'btn link tree-plot',
        text: ' Plot',
        title: 'Plot this field: a live series of its value for this topic in the monitoring panel',
        attrs: { type: 'button' },
      });
      plot.prepend(icon('graph-line'));
      plot.addEventListener('click', (event) => {
        event.stopPropagation();
        onPlot(place.path);
      });
      item.append(plot);
    }
    return item;
  }
  const details = el('details', { className: 'tree-node', attrs: { role: 'treeitem' } });
  const summary = el('summary', {}, lineFor(node, true));
  const list = el('div', { className: 'tree-children', attrs: { role: 'group' } });
  details.append(summary, list);
  let built = false;
  const build = (): void => {
    if (built) return;
    built = true;
    appendChildren(list, node, children, 0, depth + 1, expandDepth, place);
  };
  details.addEventListener('toggle', () => {
    if (details.open) build();
  });
  if (depth < expandDepth) {
    build();
    details.open = true;
  }
  return details;
}

export function renderDecodedTree(root: DecodedTreeNode, expandDepth = 2, onPlot?: PlotHandler): HTMLElement {
  return el('div', { className: 'tree', attrs: { role: 'tree' } }, renderNode(root, 0, expandDepth, { path: [], onPlot }));
}
