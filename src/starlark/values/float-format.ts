/**
 * Float formatting as the spec's `%g` (also used by `str`), `%e` and `%f`. The shortest
 * round-trip digits come from `toExponential()`; like Go's strconv 'g' with shortest precision,
 * exponent form is used below 1e-4 and from 1e6 up (so `str(1e6)` is `1e+06`).
 */
export function formatFloatShortest(value: number, upper = false): string {
  if (!Number.isFinite(value)) return nonFinite(value);
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  let text: string;
  if (exponent < -4 || exponent >= 6) {
    text = `${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}e${exponentSign(exponent)}`;
  } else if (exponent < 0) {
    text = `0.${'0'.repeat(-exponent - 1)}${digits}`;
  } else if (digits.length <= exponent + 1) {
    text = `${digits}${'0'.repeat(exponent + 1 - digits.length)}.0`;
  } else {
    text = `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  }
  if (upper) text = text.toUpperCase();
  return negative ? `-${text}` : text;
}

function exponentSign(exponent: number): string {
  const magnitude = Math.abs(exponent);
  return `${exponent < 0 ? '-' : '+'}${magnitude < 10 ? '0' : ''}${magnitude}`;
}

function nonFinite(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  return value > 0 ? '+inf' : '-inf';
}

/** `%e`: six digits after the point, two-digit exponent at least. */
export function formatFloatExponent(value: number, upper = false): string {
  if (!Number.isFinite(value)) return nonFinite(value);
  const [mantissa, exponentText] = value.toExponential(6).split('e');
  const text = `${negativeZeroSign(value)}${mantissa}e${exponentSign(Number(exponentText))}`;
  return upper ? text.toUpperCase() : text;
}

/** `%f`: six digits after the point, exact even for large magnitudes. */
export function formatFloatFixed(value: number): string {
  if (!Number.isFinite(value)) return nonFinite(value);
  if (Math.abs(value) < 1e21) return `${negativeZeroSign(value)}${value.toFixed(6)}`;
  return `${BigInt(value).toString()}.000000`;
}

/** JS drops the sign of -0 in toFixed/toExponential; Starlark keeps it, as `str(-0.0)` does. */
function negativeZeroSign(value: number): string {
  return Object.is(value, -0) ? '-' : '';
}
