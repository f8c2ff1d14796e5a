import { runtimeError } from '../errors.js';
import type { BuiltinCall } from '../values/builtin.js';
import { Str } from '../values/str.js';
import type { Value } from '../values/value.js';

/**
 * `"...{}...{name}...{0!r}".format(...)`. Only plain field names (an index or an identifier),
 * optionally with `!s`/`!r`; attribute and index syntax, nesting and format specs are errors.
 */
export function formatString(template: string, call: BuiltinCall): string {
  const keywords = new Map(call.kwargs);
  let result = '';
  let automatic: boolean | undefined;
  let nextIndex = 0;
  let index = 0;
  while (index < template.length) {
    const character = template[index];
    if (character === '}') {
      if (template[index + 1] !== '}') throw runtimeError("format: single '}' in format (found '}' without matching '{')");
      result += '}';
      index += 2;
      continue;
    }
    if (character !== '{') {
      const literalEnd = nextBrace(template, index);
      result += template.slice(index, literalEnd);
      index = literalEnd;
      continue;
    }
    if (template[index + 1] === '{') {
      result += '{';
      index += 2;
      continue;
    }
    const end = template.indexOf('}', index);
    if (end < 0) throw runtimeError("format: unmatched '{' in format (found '{' without matching '}')");
    const field = template.slice(index + 1, end);
    if (field.includes('{')) throw runtimeError("format: nested replacement fields are not supported (unmatched '{')");
    const [name, conversion] = splitConversion(field);
    let value: Value;
    if (name === '' || /^\d+$/.test(name)) {
      const isAutomatic = name === '';
      if (automatic !== undefined && automatic !== isAutomatic) {
        throw runtimeError('format: cannot switch from automatic field numbering to manual field specification (cannot mix)');
      }
      automatic = isAutomatic;
      const position = isAutomatic ? nextIndex++ : Number(name);
      if (position >= call.args.length) throw runtimeError(`format: tuple index out of range (no replacement found for index ${position})`);
      value = call.args[position];
    } else {
      if (name.includes('.')) throw runtimeError(`format: attribute syntax x.y is not supported in replacement fields: {${field}}`);
      if (name.includes('[')) throw runtimeError(`format: element syntax a[i] is not supported in replacement fields: {${field}}`);
      const found = keywords.get(name);
      if (found === undefined) throw runtimeError(`format: keyword ${name} not found (missing argument '${name}')`);
      value = found;
    }
    result += conversion === 'r' ? call.thread.reprOf(value, 'format') : value instanceof Str ? value.value : call.thread.strOf(value, 'format');
    call.thread.checkLength(result.length, 'string', 'format');
    index = end + 1;
  }
  call.thread.chargeBulk(result.length);
  return result;
}

/** Where the literal text starting at `from` ends: the next `{` or `}`, or the end. */
function nextBrace(template: string, from: number): number {
  for (let index = from; index < template.length; index++) {
    const character = template[index];
    if (character === '{' || character === '}') return index;
  }
  return template.length;
}

function splitConversion(field: string): [string, 's' | 'r'] {
  const bang = field.indexOf('!');
  const colon = field.indexOf(':');
  if (colon >= 0 && (bang < 0 || colon < bang)) throw runtimeError(`format: format specs are not supported: {${field}}`);
  if (bang < 0) return [field, 's'];
  const conversion = field.slice(bang + 1);
  if (conversion !== 's' && conversion !== 'r') throw runtimeError(`format: unknown conversion "!${conversion}" (want !s or !r)`);
  return [field.slice(0, bang), conversion];
}

export const formatMethod = (receiver: Str, call: BuiltinCall): Value => Str.of(formatString(receiver.value, call));
