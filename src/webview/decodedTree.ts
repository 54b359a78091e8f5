// Renders a decoded value (JSON, protobuf fields, msgpack...) as a collapsible tree; children are
// built only when their node is first opened, so a huge document costs nothing until explored.
import type { DecodedTreeNode } from '../shared/inspectorProtocol';
import { el } from './dom';

const CHILDREN_PER_BATCH = 500;

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

function appendChildren(list: HTMLElement, children: DecodedTreeNode[], from: number, depth: number, expandDepth: number): void {
  const to = Math.min(children.length, from + CHILDREN_PER_BATCH);
  for (let i = from; i < to; i++) list.append(renderNode(children[i], depth, expandDepth));
  if (to < children.length) {
    const more = el('button', {
      className: 'btn link tree-more',
      text: `Show ${Math.min(CHILDREN_PER_BATCH, children.length - to)} more of ${children.length - to}`,
      attrs: { type: 'button' },
    });
    more.addEventListener('click', () => {
      more.remove();
      appendChildren(list, children, to, depth, expandDepth);
    });
    list.append(more);
  }
}

function renderNode(node: DecodedTreeNode, depth: number, expandDepth: number): HTMLElement {
  const children = node.children;
  if (!children || children.length === 0) {
    const leaf = lineFor(node, children !== undefined);
    return el('div', { className: 'tree-leaf', attrs: { role: 'treeitem' } }, leaf);
  }
  const details = el('details', { className: 'tree-node', attrs: { role: 'treeitem' } });
  const summary = el('summary', {}, lineFor(node, true));
  const list = el('div', { className: 'tree-children', attrs: { role: 'group' } });
  details.append(summary, list);
  let built = false;
  const build = (): void => {
    if (built) return;
    built = true;
    appendChildren(list, children, 0, depth + 1, expandDepth);
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

export function renderDecodedTree(root: DecodedTreeNode, expandDepth = 2): HTMLElement {
  return el('div', { className: 'tree', attrs: { role: 'tree' } }, renderNode(root, 0, expandDepth));
}
