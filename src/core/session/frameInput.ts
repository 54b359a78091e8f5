// Frames typed by a user (text, JSON, hex, base64) turned into bytes, with errors that say what to fix.

export type FrameFormat = 'text' | 'json' | 'hex' | 'base64';

export type FrameParse = { ok: true; bytes: Buffer } | { ok: false; error: string };

export function encodeFrame(format: FrameFormat, input: string): FrameParse {
  switch (format) {
    case 'text':
      return { ok: true, bytes: Buffer.from(input, 'utf8') };
    case 'json':
      try {
        // Re-serialize so the frame holds compact, valid JSON whatever the spacing typed.
        return { ok: true, bytes: Buffer.from(JSON.stringify(JSON.parse(input)), 'utf8') };
      } catch (error) {
        return { ok: false, error: `Not valid JSON: ${(error as Error).message}` };
      }
    case 'hex': {
      const hex = input.replace(/^0x/i, '').replace(/[\s:,-]+/g, '');
      if (!/^[0-9a-fA-F]*$/.test(hex))
        return { ok: false, error: 'Hex may only contain 0-9 and a-f (spaces, colons and dashes between bytes are ignored).' };
      if (hex.length % 2) return { ok: false, error: `Hex needs an even number of digits (got ${hex.length}): each byte is two digits.` };
      return { ok: true, bytes: Buffer.from(hex, 'hex') };
    }
    case 'base64': {
      const text = input.replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text) || text.length % 4 === 1) return { ok: false, error: 'Not valid base64.' };
      return { ok: true, bytes: Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64') };
    }
  }
}
