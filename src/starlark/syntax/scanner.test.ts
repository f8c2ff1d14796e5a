import { describe, expect, test } from 'vitest';
import { StarlarkError } from '../errors.js';
import { scan } from './scanner.js';

const kinds = (source: string): string[] => scan('s.star', source).map((token) => token.kind);

function scanError(source: string): string {
  try {
    scan('s.star', source);
  } catch (error) {
    if (error instanceof StarlarkError) return error.message;
    throw error;
  }
  throw new Error('expected a scan error');
}

describe('scanner', () => {
  test('indentation becomes INDENT/OUTDENT; blank and comment lines are ignored', () => {
    expect(kinds('def f():\n    x\n\n    # c\n    y\nz\n')).toEqual([
      'def', 'IDENT', '(', ')', ':', 'NEWLINE', 'INDENT', 'IDENT', 'NEWLINE', 'IDENT', 'NEWLINE', 'OUTDENT', 'IDENT', 'NEWLINE', 'EOF',
    ]);
  });

  test('newlines inside brackets and after a backslash are not tokens', () => {
    expect(kinds('x = [1,\n  2]\ny = 1 + \\\n  2')).toEqual(['IDENT', '=', '[', 'INT', ',', 'INT', ']', 'NEWLINE', 'IDENT', '=', 'INT', '+', 'INT', 'NEWLINE', 'EOF']);
  });

  test('literal values are decoded', () => {
    const values = scan('s.star', '0x10 0o7 0b11 1.5 1e3 "a\\tb" r"a\\tb" b"\\xff\\u00e9" 18446744073709551616').map((token) => token.value);
    expect(values.slice(0, 9)).toEqual([16, 7, 3, 1.5, 1000, 'a\tb', 'a\\tb', new Uint8Array([0xff, 0xc3, 0xa9]), 18446744073709551616n]);
  });

  test('triple-quoted strings span lines and positions keep counting', () => {
    const tokens = scan('s.star', 'x = """a\nb"""\ny');
    expect(tokens[2].value).toBe('a\nb');
    expect(tokens[4].position).toEqual({ file: 's.star', line: 3, column: 1 });
  });

  test('errors are positioned', () => {
    expect(scanError('x = f"{y}"')).toBe('s.star:1:5: f-strings are not supported in Starlark; use "%s" % x or "{}".format(x)');
    expect(scanError('def f():\n\tx')).toBe('s.star:2:1: tab characters are not allowed in indentation');
    expect(scanError('x = "abc\ny')).toBe('s.star:1:5: unexpected newline in string');
    expect(scanError('x = "abc')).toBe('s.star:1:5: unexpected EOF in string');
    expect(scanError('x = "\\q"')).toBe('s.star:1:5: invalid escape sequence \\q');
    expect(scanError('x = "\\xff"')).toMatch(/non-ASCII hex escape \\xff \(use \\u00FF/);
    expect(scanError('x = 1e999')).toMatch(/invalid float literal .*too large/);
    expect(scanError('class X')).toMatch(/'class' is reserved/);
    expect(scanError('x = $')).toBe("s.star:1:5: unexpected input character '$'");
    expect(scanError('x = )')).toBe("s.star:1:5: unexpected ')'");
  });
});
