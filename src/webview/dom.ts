// Builds DOM nodes whose text always goes in as text nodes: payload bytes never reach an HTML parser.

export interface ElementProps {
  className?: string;
  text?: string;
  title?: string;
  attrs?: Record<string, string>;
}

/** Creates an element; string children become text nodes (never parsed as HTML). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: ElementProps = {},
  ...children: Array<Node | string | undefined>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.title !== undefined) node.title = props.title;
  if (props.attrs) for (const [name, value] of Object.entries(props.attrs)) node.setAttribute(name, value);
  if (props.text !== undefined) node.textContent = props.text;
  for (const child of children) {
    if (child === undefined) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/** A codicon (VS Code's icon font, as in its own UI); decorative, so hidden from screen readers. */
export function icon(name: string): HTMLElement {
  return el('span', { className: `codicon codicon-${name}`, attrs: { 'aria-hidden': 'true' } });
}

/** A button with a codicon before its label (or alone, with the label as its accessible name). */
export function iconButton(name: string, label: string, title: string, onClick: () => void, className = 'btn'): HTMLButtonElement {
  const node = button(label, title, onClick, className);
  node.prepend(icon(name));
  if (!label) node.setAttribute('aria-label', title);
  return node;
}

export function button(label: string, title: string, onClick: () => void, className = 'btn'): HTMLButtonElement {
  const node = el('button', { className, text: label, title, attrs: { type: 'button' } });
  node.addEventListener('click', (event) => {
    event.stopPropagation();
    onClick();
  });
  return node;
}
