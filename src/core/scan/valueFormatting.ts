// The values the constant evaluator computes, and the formatting functions it applies to them
// (printf-style and brace-style), each capped: an endpoint longer than 1 KiB is not an endpoint, so no
// computed string may grow past that, and a printf width is never expanded beyond it.

export type ConstantValue = string | number;

/** A value that would be longer than MAX_VALUE_LENGTH: definitely not an endpoint. */
export const OVERSIZED = Symbol('longer than 1 KiB');
export type Oversized = typeof OVERSIZED;

/** What evaluation yields: a value, "too long", or undefined (not computable from the code). */
export type Evaluated = ConstantValue | Oversized | undefined;

export const MAX_VALUE_LENGTH = 1024;

export function capped(text: string): string | Oversized {
  return text.length > MAX_VALUE_LENGTH ? OVERSIZED : text;
}

/** Concatenation: too long wins (the whole is too long whatever the rest), then unknown. */
export function concatenate(values: Evaluated[]): Evaluated {
  if (values.includes(OVERSIZED)) return OVERSIZED;
  if (values.some((v) => v === undefined)) return undefined;
  if (values.every((v) => typeof v === 'number')) return (values as number[]).reduce((x, y) => x + y, 0);
  let length = 0;
  for (const v of values) if ((length += String(v).length) > MAX_VALUE_LENGTH) return OVERSIZED;
  return values.join('');
}

/** `String(x)` of an evaluated value. */
export function asText(value: Evaluated): string | Oversized | undefined {
  if (value === undefined || value === OVERSIZED) return value;
  return capped(String(value));
}

export function parseNumber(text: string): number | undefined {
  const clean = text.replace(/[_']/g, '');
  const hex = /^0x([0-9a-f]+)/i.exec(clean);
  if (hex) return parseInt(hex[1], 16);
  const decimal = /^\d+(\.\d+)?/.exec(clean);
  return decimal ? Number(decimal[0]) : undefined;
}

/**
 * printf-style formatting (`%d`, `%s`, `%v`, `%x`, `%%`, widths): undefined when an argument is unknown
 * or its conversion is not one the scanner can reproduce; too long when a width or the result passes 1 KiB.
 */
export function formatPrintf(format: string, args: Evaluated[]): Evaluated {
  if (args.includes(OVERSIZED)) return OVERSIZED;
  let index = 0;
  let failed = false;
  let oversized = false;
  const out = format.replace(
    /%([-+ 0#]*)(\d+)?(?:\.\d+)?(?:hh|h|ll|l|z|j|t)?([diusvxXc%])/g,
    (_whole, flags: string, width: string | undefined, conversion: string) => {
      if (conversion === '%') return '%';
      const value = args[index++];
      if (value === undefined || value === OVERSIZED || conversion === 'c') {
        failed = true;
        return '';
      }
      let text: string;
      if ('diuxX'.includes(conversion)) {
        if (typeof value !== 'number') {
          failed = true;
          return '';
        }
        text = conversion === 'x' || conversion === 'X' ? Math.trunc(value).toString(16) : String(Math.trunc(value));
        if (conversion === 'X') text = text.toUpperCase();
      } else text = String(value);
      if (width) {
        const w = Number(width);
        if (w > MAX_VALUE_LENGTH) {
          oversized = true;
          return '';
        }
        text = flags.includes('-') ? text.padEnd(w) : text.padStart(w, flags.includes('0') ? '0' : ' ');
      }
      return text;
    },
  );
  if (oversized) return OVERSIZED;
  return failed || index !== args.length ? undefined : capped(out);
}

export type BraceStyle = 'python' | 'rust' | 'csharp';

/**
 * `{}`, `{0}`, `{name}` formatting (Python str.format, Rust format!, C# string.Format). Format specs
 * other than empty, `d` or `s` (widths, precision, debug) make the result unknown: never guessed.
 */
export function formatBraces(
  format: string,
  style: BraceStyle,
  positional: Evaluated[],
  named: (key: string) => Evaluated | undefined,
): Evaluated {
  let auto = 0;
  let failed = false;
  let oversized = false;
  const out = format.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (whole, field: string | undefined) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    const [key, spec = ''] = splitFormatField(field ?? '', style);
    if (!/^[ds]?$/i.test(spec.trim())) {
      failed = true;
      return '';
    }
    const value = key === '' ? positional[auto++] : /^\d+$/.test(key) ? positional[Number(key)] : named(key);
    if (value === OVERSIZED) oversized = true;
    if (value === undefined || value === OVERSIZED) {
      failed = true;
      return '';
    }
    return String(value);
  });
  if (oversized) return OVERSIZED;
  return failed ? undefined : capped(out);
}

function splitFormatField(field: string, style: BraceStyle): [string, string?] {
  const stop = style === 'csharp' ? field.search(/[,:]/) : field.search(/[!:]/);
  if (stop < 0) return [field.trim()];
  return [field.slice(0, stop).trim(), field.slice(stop + 1)];
}
