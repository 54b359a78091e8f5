// Field filter expressions, e.g. `topic ^= "ticks." && $.price > 100 && size < 1k`: parsed by jsep (a
// maintained expression parser; nothing is ever evaluated as JavaScript), then compiled to closures that
// read only what the expression names. Typed by the user, evaluated against peer data: member access
// reads own properties of plain decoded values only, calls are a fixed list, and the size of an
// expression is capped.
import jsep from 'jsep';

type Expression = jsep.Expression;

/** What an expression can read about one message (see FilterSubject for the meaning of each). */
export interface FilterFields {
  field(name: FieldName): unknown;
  /** Frame 0 is a topic (cheaper than reading `topic`). */
  hasTopic(): boolean;
  /** Decoded frame: the payload when `index` is undefined. Undefined when it does not decode. */
  decoded(index: number | undefined): unknown;
}

export const FIELD_NAMES = ['seq', 'time', 'session', 'direction', 'frames', 'size', 'topic', 'tag', 'type', 'body'] as const;
export type FieldName = (typeof FIELD_NAMES)[number];

export class FilterSyntaxError extends Error {
  constructor(
    message: string,
    /** 0-based character index of the problem, when known. */
    readonly column?: number,
  ) {
    super(column === undefined ? message : `${message} (at character ${column + 1})`);
    this.name = 'FilterSyntaxError';
  }
}

/** Conditions of the expression the store can check on bytes before any field is read. */
export interface FilterPushdown {
  /** From a top-level `topic ^= "..."`. */
  topicPrefix?: string;
  /** From a top-level `direction == "in"` or `"out"`. */
  direction?: 'in' | 'out';
}

export interface CompiledFilter {
  source: string;
  /** True when it reads decoded frames ($...), which costs a decode per message. */
  readsPayload: boolean;
  test(fields: FilterFields): boolean;
  pushdown: FilterPushdown;
  /** test() without the pushed-down conditions: for messages the store already checked against them. */
  testRest(fields: FilterFields): boolean;
}

export const MAX_EXPRESSION_CHARS = 2000;
const MAX_NODES = 500;
const MAX_STRING_OP_CHARS = 1024 * 1024;

type Evaluate = (fields: FilterFields) => unknown;

jsep.addBinaryOp('^=', 6);
jsep.addBinaryOp('$=', 6);
jsep.addBinaryOp('*=', 6);
jsep.addBinaryOp('~=', 6);
jsep.addBinaryOp('in', 7);
// Bitwise and shift operators are JavaScript's, not a filter's: `a | b` or `x ^ y` would be typos.
for (const op of ['|', '^', '&', '<<', '>>', '>>>', '===', '!==']) jsep.removeBinaryOp(op);
jsep.removeUnaryOp('~');
jsep.removeUnaryOp('+');
const NUMBER_WITH_UNIT = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?(Ki|Mi|Gi|k|K|M|G)?(?![\w$])/;
const UNITS: Record<string, number> = { k: 1e3, K: 1e3, M: 1e6, G: 1e9, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };
// `1k`, `2.5M`, `64Ki`: JavaScript has no unit suffixes, so the number token is read here.
jsep.hooks.add('gobble-token', function (env) {
  const match = NUMBER_WITH_UNIT.exec(this.expr.slice(this.index, this.index + 64));
  if (!match) return;
  const unit = match[1];
  const digits = unit ? match[0].slice(0, -unit.length) : match[0];
  this.index += match[0].length;
  env.node = { type: 'Literal', value: Number(digits) * (unit ? UNITS[unit] : 1), raw: match[0] };
});

const FUNCTIONS: Record<string, (args: unknown[]) => unknown> = {
  len: ([x]) => (typeof x === 'string' || Array.isArray(x) ? x.length : isPlainObject(x) ? Object.keys(x).length : undefined),
  lower: ([x]) => (typeof x === 'string' ? x.toLowerCase() : undefined),
  upper: ([x]) => (typeof x === 'string' ? x.toUpperCase() : undefined),
  exists: ([x]) => x !== undefined,
  number: ([x]) => toNumber(x),
  string: ([x]) =>
    typeof x === 'string' ? x : typeof x === 'number' || typeof x === 'boolean' || typeof x === 'bigint' ? String(x) : undefined,
  abs: ([x]) => (typeof x === 'number' ? Math.abs(x) : undefined),
};

function parse(source: string): Expression {
  if (source.length > MAX_EXPRESSION_CHARS)
    throw new FilterSyntaxError(`The expression is longer than ${MAX_EXPRESSION_CHARS} characters.`);
  let ast: Expression;
  try {
    ast = jsep(source);
  } catch (error) {
    const e = error as Error & { index?: number; description?: string };
    throw new FilterSyntaxError(e.description ?? e.message.replace(/ at character \d+$/, ''), e.index);
  }
  if (ast.type === 'Compound') throw new FilterSyntaxError('Only one expression is allowed: join conditions with && or ||.');
  return ast;
}

/** An expression's value for a message (e.g. `$.price` for "Plot this field"); same language and limits. */
export function compileValue(source: string): (fields: FilterFields) => unknown {
  return compileNode(parse(source), { nodes: 0, readsPayload: false });
}

/** Parses and compiles; throws FilterSyntaxError with words a user can act on. */
export function compileFilter(source: string): CompiledFilter {
  const ast = parse(source);
  const state = { nodes: 0, readsPayload: false };
  const evaluate = compileNode(ast, state);
  const { pushdown, rest } = splitPushdown(ast);
  const restEvaluators = rest.map((node) => compileNode(node, { nodes: 0, readsPayload: false }));
  const needsTopic = pushdown.topicPrefix !== undefined;
  return {
    source,
    readsPayload: state.readsPayload,
    test: (fields) => truthy(evaluate(fields)),
    pushdown,
    testRest: (fields) => {
      if (needsTopic && !fields.hasTopic()) return false;
      for (const e of restEvaluators) if (!truthy(e(fields))) return false;
      return true;
    },
  };
}

/** The top-level `&&` conditions the store can check itself, and the others. */
function splitPushdown(ast: Expression): { pushdown: FilterPushdown; rest: Expression[] } {
  const conjuncts: Expression[] = [];
  const flatten = (node: Expression) => {
    if (node.type === 'BinaryExpression' && node.operator === '&&') {
      flatten(node.left as Expression);
      flatten(node.right as Expression);
    } else conjuncts.push(node);
  };
  flatten(ast);
  const pushdown: FilterPushdown = {};
  const rest: Expression[] = [];
  for (const node of conjuncts) {
    const left = node.left as Expression | undefined;
    const right = node.right as Expression | undefined;
    const literal = right?.type === 'Literal' && typeof right.value === 'string' ? right.value : undefined;
    const field = node.type === 'BinaryExpression' && left?.type === 'Identifier' ? left.name : undefined;
    if (field === 'topic' && node.operator === '^=' && literal && pushdown.topicPrefix === undefined) pushdown.topicPrefix = literal;
    else if (field === 'direction' && node.operator === '==' && (literal === 'in' || literal === 'out') && !pushdown.direction)
      pushdown.direction = literal;
    else rest.push(node);
  }
  return { pushdown, rest };
}

function compileNode(node: Expression, state: { nodes: number; readsPayload: boolean }): Evaluate {
  if (++state.nodes > MAX_NODES) throw new FilterSyntaxError(`The expression has more than ${MAX_NODES} parts.`);
  switch (node.type) {
    case 'Literal': {
      const value = node.value as unknown;
      if (value instanceof RegExp) throw new FilterSyntaxError('Regular expressions are not supported: use ^=, $=, *= or ~=.');
      return () => value;
    }
    case 'Identifier':
      return identifier(node.name as string, state);
    case 'MemberExpression':
      return member(node, state);
    case 'ArrayExpression': {
      const items = (node.elements as (Expression | null)[]).map((e) => (e ? compileNode(e, state) : () => undefined));
      return (f) => items.map((item) => item(f));
    }
    case 'UnaryExpression': {
      const argument = compileNode(node.argument as Expression, state);
      if (node.operator === '!') return (f) => !truthy(argument(f));
      if (node.operator === '-') return (f) => negate(argument(f));
      throw new FilterSyntaxError(`Unknown operator "${node.operator}".`);
    }
    case 'BinaryExpression':
      return binary(node.operator as string, compileNode(node.left as Expression, state), compileNode(node.right as Expression, state));
    case 'ConditionalExpression': {
      const test = compileNode(node.test as Expression, state);
      const yes = compileNode(node.consequent as Expression, state);
      const no = compileNode(node.alternate as Expression, state);
      return (f) => (truthy(test(f)) ? yes(f) : no(f));
    }
    case 'CallExpression': {
      const callee = node.callee as Expression;
      const name = callee.type === 'Identifier' ? (callee.name as string) : '';
      const fn = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
      if (!fn) throw new FilterSyntaxError(`Unknown function${name ? ` "${name}"` : ''}: use ${Object.keys(FUNCTIONS).join(', ')}.`);
      const args = (node.arguments as Expression[]).map((a) => compileNode(a, state));
      return (f) => fn(args.map((a) => a(f)));
    }
    case 'ThisExpression':
      throw new FilterSyntaxError('"this" means nothing here: name a field such as topic, size or $.price.');
    default:
      throw new FilterSyntaxError(`"${node.type}" is not supported in a filter.`);
  }
}

function identifier(name: string, state: { readsPayload: boolean }): Evaluate {
  if (name === 'true' || name === 'false' || name === 'null') return name === 'null' ? () => null : () => name === 'true';
  if (name === '$') {
    state.readsPayload = true;
    return (f) => f.decoded(undefined);
  }
  const frame = /^\$(\d{1,4})$/.exec(name);
  if (frame) {
    state.readsPayload = true;
    const index = Number(frame[1]);
    return (f) => f.decoded(index);
  }
  if ((FIELD_NAMES as readonly string[]).includes(name)) {
    const field = name as FieldName;
    return (f) => f.field(field);
  }
  throw new FilterSyntaxError(
    `Unknown field "${name}": use ${FIELD_NAMES.join(', ')}, $ (the decoded payload, e.g. $.price) or $0, $1... (frame N).`,
  );
}

function member(node: Expression, state: { nodes: number; readsPayload: boolean }): Evaluate {
  const object = compileNode(node.object as Expression, state);
  const property = node.property as Expression;
  const key: Evaluate =
    node.computed === true
      ? compileNode(property, state)
      : property.type === 'Identifier'
        ? (
            (name) => () =>
              name
          )(property.name as string)
        : (() => {
            throw new FilterSyntaxError('A field name is expected after "."');
          })();
  return (f) => readMember(object(f), key(f));
}

/** Own data of decoded values only: nothing reaches a prototype, a getter or a function. */
function readMember(object: unknown, key: unknown): unknown {
  if (typeof key === 'number' || typeof key === 'bigint') key = String(key);
  if (typeof key !== 'string') return undefined;
  if (Array.isArray(object)) {
    if (key === 'length') return object.length;
    return /^\d+$/.test(key) ? object[Number(key)] : undefined;
  }
  if (typeof object === 'string' && key === 'length') return object.length;
  if (!isPlainObject(object) || !Object.hasOwn(object, key)) return undefined;
  const value = (object as Record<string, unknown>)[key];
  return typeof value === 'function' ? undefined : value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function binary(operator: string, left: Evaluate, right: Evaluate): Evaluate {
  switch (operator) {
    case '&&':
      return (f) => truthy(left(f)) && truthy(right(f));
    case '||':
      return (f) => truthy(left(f)) || truthy(right(f));
    case '??':
      return (f) => left(f) ?? right(f);
    case '==':
      return (f) => equal(left(f), right(f));
    case '!=':
      return (f) => !equal(left(f), right(f));
    case '<':
    case '<=':
    case '>':
    case '>=':
      return (f) => compare(operator, left(f), right(f));
    case '^=':
      return (f) => stringTest(left(f), right(f), (a, b) => a.startsWith(b));
    case '$=':
      return (f) => stringTest(left(f), right(f), (a, b) => a.endsWith(b));
    case '*=':
      return (f) => {
        const a = left(f);
        const b = right(f);
        return Array.isArray(a) ? a.some((item) => equal(item, b)) : stringTest(a, b, (x, y) => x.includes(y));
      };
    case '~=':
      return (f) => stringTest(left(f), right(f), (a, b) => a.toLowerCase().includes(b.toLowerCase()));
    case 'in':
      return (f) => {
        const list = right(f);
        const item = left(f);
        return Array.isArray(list) ? list.some((x) => equal(item, x)) : stringTest(list, item, (a, b) => a.includes(b));
      };
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
    case '**':
      return (f) => arithmetic(operator, left(f), right(f));
    default:
      throw new FilterSyntaxError(`The operator "${operator}" is not supported.`);
  }
}

function truthy(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false && value !== 0 && value !== '' && !Number.isNaN(value);
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && value.trim() !== '' && value.length < 64) {
    const n = Number(value);
    return Number.isNaN(n) ? undefined : n;
  }
  return undefined;
}

/** Strict, except that numbers compare with bigints and numeric text (decoders give 64-bit ints as either). */
function equal(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return false;
  if (a === b) return true;
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) return Number(a) === Number(b);
  if (typeof a === 'string' && (typeof b === 'number' || typeof b === 'bigint')) return toNumber(a) === Number(b);
  if (typeof b === 'string' && (typeof a === 'number' || typeof a === 'bigint')) return toNumber(b) === Number(a);
  return false;
}

function compare(operator: string, a: unknown, b: unknown): boolean {
  let x: number | string | undefined;
  let y: number | string | undefined;
  if (typeof a === 'string' && typeof b === 'string') {
    x = a;
    y = b;
  } else {
    x = toNumber(a);
    y = toNumber(b);
    if (x === undefined || y === undefined || typeof a === 'boolean' || typeof b === 'boolean') return false;
  }
  return operator === '<' ? x < y : operator === '<=' ? x <= y : operator === '>' ? x > y : x >= y;
}

function stringTest(a: unknown, b: unknown, test: (a: string, b: string) => boolean): boolean {
  if (typeof a !== 'string' || typeof b !== 'string' || a.length > MAX_STRING_OP_CHARS) return false;
  return test(a, b);
}

function negate(value: unknown): number | undefined {
  const n = toNumber(value);
  return n === undefined ? undefined : -n;
}

function arithmetic(operator: string, a: unknown, b: unknown): unknown {
  if (operator === '+' && typeof a === 'string' && typeof b === 'string') return (a + b).slice(0, MAX_STRING_OP_CHARS);
  const x = toNumber(a);
  const y = toNumber(b);
  if (x === undefined || y === undefined) return undefined;
  switch (operator) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      return x / y;
    case '%':
      return x % y;
    default:
      return x ** y;
  }
}
