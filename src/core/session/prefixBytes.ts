// Subscription prefixes and routing ids typed by a user: text, or bytes written as hex:0a0b.
import { ZmqUserError } from './zmqErrors';

/** Parses `hex:0a0b` or plain text into the bytes of a subscription or routing id. */
export function parsePrefix(text: string): Buffer {
  if (text.startsWith('hex:')) {
    const hex = text.slice(4).replace(/\s+/g, '');
    if (!/^([0-9a-fA-F]{2})*$/.test(hex))
      throw new ZmqUserError(`"${text}" is not valid hex: write pairs of hex digits after "hex:", e.g. hex:0a0b.`);
    return Buffer.from(hex, 'hex');
  }
  return Buffer.from(text, 'utf8');
}
