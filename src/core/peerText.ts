// Text a peer chose (a READY Socket-Type, a routing id, a PLAIN user name, an ERROR reason, the first bytes
// of a server that is not ZeroMQ) made safe for VS Code UI. VS Code renders `[label](command:id)` in
// notification messages as a clickable command link, `$(name)` in quick picks and labels as an icon, and a
// peer may send up to 64 KiB: so the text is cut, kept on one line, stripped of control and bidirectional
// formatting characters, and has the link and icon syntax broken by a space. It stays readable: it is the
// peer's text, shown as text.

/** C0 and C1 controls, DEL, and the bidirectional marks and overrides that can reorder what is shown. */
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g;

/** `](` (a markdown link: notifications and hovers render it) and `$(` (an icon in labels and quick picks). */
const MARKUP = /\]\(|\$\(/g;

/** Peer text as one safe line of at most `max` characters (an ellipsis marks a cut). */
export function peerTextForUi(text: string, max = 80): string {
  const head = text.length > max * 4 ? text.slice(0, max * 4) : text;
  let safe = head.replace(UNSAFE_CHARACTERS, ' ').replace(MARKUP, (m) => `${m[0]} ${m[1]}`);
  if (safe.length > max || head.length < text.length) {
    let end = Math.min(safe.length, max - 1);
    // Never leave half of a surrogate pair at the cut.
    if (end > 0 && safe.charCodeAt(end - 1) >= 0xd800 && safe.charCodeAt(end - 1) <= 0xdbff) end--;
    safe = `${safe.slice(0, end)}…`;
  }
  return safe;
}
