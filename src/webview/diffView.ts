// A comparison of two messages: per frame, changed/added/removed fields by path, or text lines and
// bytes marked as removed and added. Every value is inserted as text.
import type { MessageDiffView } from '../shared/inspectorProtocol';
import { el } from './dom';

export function renderDiff(diff: MessageDiffView): HTMLElement {
  const frames = diff.frames.map((frame) => {
    const title = el('div', { className: 'frame-title' }, el('span', { className: 'frame-index', text: `Frame ${frame.index}` }));
    const body = el('div', { className: 'diff-body' });
    if (frame.kind === 'only-left') body.append(el('div', { className: 'diff-removed', text: `only in #${diff.leftSeq}` }));
    else if (frame.kind === 'only-right') body.append(el('div', { className: 'diff-added', text: `only in #${diff.rightSeq}` }));
    else if (frame.same) body.append(el('div', { className: 'diff-same', text: 'identical' }));
    else if (frame.kind === 'fields') {
      const rows = (frame.fields ?? []).map((change) =>
        el(
          'tr',
          { className: `diff-${change.op}` },
          el('td', { className: 'diff-op', text: change.op }),
          el('td', { className: 'diff-path mono', text: change.path }),
          el('td', { className: 'diff-before mono', text: change.before ?? '' }),
          el('td', { className: 'diff-after mono', text: change.after ?? '' }),
        ),
      );
      body.append(
        el(
          'table',
          { className: 'diff-fields' },
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              el('th', { text: '' }),
              el('th', { text: 'path' }),
              el('th', { text: `#${diff.leftSeq}` }),
              el('th', { text: `#${diff.rightSeq}` }),
            ),
          ),
          el('tbody', {}, ...rows),
        ),
      );
      if (!rows.length) body.append(el('div', { className: 'diff-same', text: 'same values (the bytes differ: order or formatting)' }));
    } else {
      const pre = el('pre', { className: 'diff-runs mono' });
      for (const run of frame.runs ?? [])
        pre.append(el('span', { className: `diff-${run.op}`, text: frame.kind === 'bytes' ? `${run.text} ` : run.text }));
      body.append(pre);
    }
    if (frame.note) body.append(el('div', { className: 'diff-note', text: frame.note }));
    return el('section', { className: 'frame', attrs: { 'data-frame-index': String(frame.index) } }, title, body);
  });
  return el('div', { className: 'diff' }, ...frames);
}
