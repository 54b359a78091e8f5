// Text a peer chose (a READY Socket-Type, a routing id, a PLAIN user name, an ERROR reason, the first bytes
// of a server that is not ZeroMQ) made safe for VS Code UI. VS Code renders `[label](command:id)` in
// notification messages as a clickable command link, `$(name)` in quick picks and labels as an icon, and a
// peer may send up to 64 KiB: so the text is cut, kept on one line, stripped of control and bidirectional
// formatting characters, and has the link and icon syntax broken by a space. It stays readable: it is the
// peer's text, shown as text.

/** C0 and C1 controls, DEL, and the bidirectional marks and overrides that can reorder what is shown. */
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g;

/**
 * The `]` of `](scheme:` (a link: notifications render `[text](https://…|command:…|file:…)`, markdown hovers
 * any scheme, after optional spaces or `<`) and the `$` of `$(name)` or `$(name~modifier)` (an icon in labels
 * and quick picks): a space after either breaks the syntax. Only these, not every `](` or `$(`: CURVE keys are
 * shown in the same lines, and Z85 holds all these characters: about one key in a hundred holds a `](` or
 * `$(`, which a user copying the key must get as it is (one in a few thousand holds a whole link or icon
 * pattern, and still gets its space). What is matched is what VS Code renders: its linkedText.ts and
 * iconLabels.ts patterns, widened to any scheme.
 */
const MARKUP = /\](?=\(\s*<?\s*[A-Za-z][A-Za-z0-9+.-]*:)|\$(?=\([A-Za-z0-9-]+(?:~[A-Za-z]+)?\))/g;

/** Peer text as one safe line of at most `max` characters (an ellipsis marks a cut). */
export function peerTextForUi(text: string, max = 80): string {
  const head = text.length > max * 4 ? text.slice(0, max * 4) : text;
  let safe = head.replace(UNSAFE_CHARACTERS, ' ').replace(MARKUP, '$& ');
  if (safe.length > max || head.length < text.length) {
    let end = Math.min(safe.length, max - 1);
    // Never leave half of a surrogate pair at the cut.
    if (end > 0 && safe.charCodeAt(end - 1) >= 0xd800 && safe.charCodeAt(end - 1) <= 0xdbff) end--;
    safe = `${safe.slice(0, end)}…`;
  }
  return safe;
}
