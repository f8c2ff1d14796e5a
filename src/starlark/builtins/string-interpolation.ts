import { runtimeError } from '../errors.js';
import { Float } from '../values/float.js';
import { formatFloatExponent, formatFloatFixed, formatFloatShortest } from '../values/float-format.js';
import { Int } from '../values/int.js';
import { Tuple } from '../values/tuple.js';
import type { Value } from '../values/value.js';
import { Str } from '../values/str.js';
import { describeValue } from '../values/describe-value.js';
import type { Thread } from '../eval/thread.js';

/**
 * A format string split once into its literal text and its conversions, so a format written
 * in the program (`"%s: %d" % (a, b)`, the common case) is scanned when it is compiled rather
 * than each time it runs. `literals` has one more element than `conversions`; a conversion is
 * the character after `%` (`%` itself for `%%`), or undefined for a `%` that ends the format.
 * Errors in the format are raised when it is applied, in the order the old left-to-right scan
 * met them, so a compiled format fails exactly as an interpreted one.
 */
export interface FormatPlan {
  readonly literals: readonly string[];
  readonly conversions: readonly (string | undefined)[];
}

export function parseFormat(format: string): FormatPlan {
  const literals: string[] = [];
  const conversions: (string | undefined)[] = [];
  let index = 0;
  for (;;) {
    const percent = format.indexOf('%', index);
    if (percent < 0) break;
    literals.push(format.slice(index, percent));
    const conversion = format[percent + 1];
    conversions.push(conversion);
    index = percent + 2;
    if (conversion === undefined) {
      // Nothing after a trailing `%`: applying the plan fails there.
      index = format.length;
      break;
    }
  }
  literals.push(format.slice(index));
  return { literals, conversions };
}

/**
 * `format % args` (see the spec's String interpolation): no flags, widths or precisions. The
 * result is checked against the thread's size limit as it grows. Pieces are joined once, so the
 * result is one flat string rather than a chain of concatenations (which V8 keeps as a tree of
 * nodes until the string is read, costing memory for every formatted value a program keeps).
 */
export function interpolate(format: string, args: Value, thread: Thread): string {
  return applyFormat(parseFormat(format), args, thread);
}

export function applyFormat(plan: FormatPlan, args: Value, thread: Thread): string {
  const operands = args.constructor === Tuple ? (args as Tuple).elements : [args];
  const { literals, conversions } = plan;
  const count = conversions.length;
  if (count === 0) return formatWithoutConversions(literals[0], operands, thread);
  const pieces = new Array<string>(2 * count + 1);
  let length = literals[0].length;
  pieces[0] = literals[0];
  let next = 0;
  for (let index = 0; index < count; index++) {
    const conversion = conversions[index];
    if (conversion === undefined) throw runtimeError('incomplete format');
    const piece = conversion === '%' ? '%' : convertNext(conversion, operands, next++, thread);
    const literal = literals[index + 1];
    pieces[2 * index + 1] = piece;
    pieces[2 * index + 2] = literal;
    length += piece.length;
    thread.checkLength(length, 'string', "'%'");
    length += literal.length;
  }
  if (next < operands.length) throw runtimeError('too many arguments for format string (not all arguments converted)');
  thread.checkLength(length, 'string', "'%'");
  thread.chargeBulk(length);
  return pieces.join('');
}

function convertNext(conversion: string, operands: readonly Value[], index: number, thread: Thread): string {
  if (index >= operands.length) throw runtimeError('not enough arguments for format string');
  return convert(conversion, operands[index], thread);
}

/** A format with no `%` at all: every operand is one too many. */
function formatWithoutConversions(format: string, operands: readonly Value[], thread: Thread): string {
  if (operands.length > 0) throw runtimeError('too many arguments for format string (not all arguments converted)');
  thread.checkLength(format.length, 'string', "'%'");
  thread.chargeBulk(format.length);
  return format;
}

function convert(conversion: string, value: Value, thread: Thread): string {
  switch (conversion) {
    case 's':
      return value.constructor === Str ? (value as Str).value : thread.strOf(value, '%s');
    case 'r':
      return thread.reprOf(value, '%r');
    case 'd':
    case 'i':
      if (value.constructor === Int && typeof (value as Int).value === 'number') return String((value as Int).value);
      return integerOf(value, conversion).toString();
    case 'o':
      return signed(integerOf(value, conversion), 8);
    case 'x':
      return signed(integerOf(value, conversion), 16);
    case 'X':
      return signed(integerOf(value, conversion), 16).toUpperCase();
    case 'e':
    case 'E':
      return formatFloatExponent(floatOf(value, conversion), conversion === 'E');
    case 'f':
    case 'F':
      return formatFloatFixed(floatOf(value, conversion));
    case 'g':
    case 'G':
      return formatFloatShortest(floatOf(value, conversion), conversion === 'G');
    default:
      throw runtimeError(`unsupported format character '${conversion}'`);
  }
}

function integerOf(value: Value, conversion: string): bigint {
  if (value instanceof Int) return value.bigint();
  if (value instanceof Float) {
    if (!Number.isFinite(value.value)) throw runtimeError(`%${conversion} format requires a finite number, got ${describeValue(value)}`);
    return BigInt(Math.trunc(value.value));
  }
  throw runtimeError(`%${conversion} format requires integer: got ${value.type}`);
}

function floatOf(value: Value, conversion: string): number {
  if (value instanceof Float) return value.value;
  if (value instanceof Int) return Number(value.value);
  throw runtimeError(`%${conversion} format requires float: got ${value.type}`);
}

function signed(value: bigint, radix: number): string {
  return value < 0n ? `-${(-value).toString(radix)}` : value.toString(radix);
}
