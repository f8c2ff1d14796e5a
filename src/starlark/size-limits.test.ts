import { describe, expect, test } from 'vitest';
import { DEFAULT_MAX_VALUE_LENGTH, execFile, MAX_INT_BITS, StarlarkError } from './index.js';

/** Runs `source` and returns the StarlarkError it must raise. */
function failure(source: string, options: { maxValueLength?: number; maxSteps?: number } = {}): StarlarkError {
  try {
    execFile({ filename: 'bomb.star', source, maxValueLength: options.maxValueLength ?? 1000, maxSteps: options.maxSteps ?? 1_000_000 });
  } catch (error) {
    if (error instanceof StarlarkError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(source)} to fail`);
}

/** The failure must be the typed size-limit error, positioned where the value would be built. */
function expectSizeLimit(source: string, where: string, pattern: RegExp, options?: { maxValueLength?: number }): void {
  const error = failure(source, options);
  expect(error.kind, error.message).toBe('size-limit');
  expect(error.message).toMatch(new RegExp(`^bomb\\.star:${where}: size limit exceeded: `));
  expect(error.message).toMatch(pattern);
}

describe('Starlark size limits (issue #10 item 13)', () => {
  test("the issue's program fails at once with a positioned, typed error under the default limit", () => {
    const error = failure('x = "ab"*10000000\ny = [x]*30\nz = str(y)\n', { maxValueLength: DEFAULT_MAX_VALUE_LENGTH });
    expect(error.kind).toBe('size-limit');
    expect(error.message).toBe(
      "bomb.star:1:9: size limit exceeded: '*' would build a string of 20000000 characters, more than maxValueLength (4194304); raise it if the program is legitimate",
    );
  });

  test('with a limit raised past the string, str() of the list of references stops before building it', () => {
    const error = failure('x = "ab"*10000000\ny = [x]*30\nz = str(y)\n', { maxValueLength: 30_000_000, maxSteps: 10_000_000 });
    expect(error.kind).toBe('size-limit');
    expect(error.message).toMatch(/^bomb\.star:3:8: size limit exceeded: str would build a string of more than 30000000 characters/);
  });

  test.each([
    ['"ab" * 600', '1:10', /'\*' would build a string of 1200 characters/],
    ['600 * "ab"', '1:9', /'\*' would build a string of 1200 characters/],
    ['[1, 2] * 600', '1:12', /'\*' would build a list of 1200 elements/],
    ['(1, 2) * 600', '1:12', /'\*' would build a tuple of 1200 elements/],
    ['b"ab" * 600', '1:11', /'\*' would build a bytes value of 1200 bytes/],
    ['"a" * (1 << 100)', '1:9', /'\*' would build a string of/],
  ])('repetition: x = %s', (expression, where, pattern) => {
    expectSizeLimit(`x = ${expression}\n`, where, pattern);
  });

  test.each([
    ['"a" * 600 + "b" * 600', /'\+' would build a string of 1200 characters/],
    ['[0] * 600 + [1] * 600', /'\+' would build a list of 1200 elements/],
    ['(0,) * 600 + (1,) * 600', /'\+' would build a tuple of 1200 elements/],
    ['b"a" * 600 + b"b" * 600', /'\+' would build a bytes value of 1200 bytes/],
  ])('concatenation: x = %s', (expression, pattern) => {
    expectSizeLimit(`x = ${expression}\n`, '1:\\d+', pattern);
  });

  test.each([
    ['"%s%s" % (big, big)', /'%' would build a string of 1200 characters/],
    ['"{}{}".format(big, big)', /format would build a string of 1200 characters/],
    ['"-".join([big, big])', /join would build a string of 1201 characters/],
    ['big.replace("a", "aa")', /replace would build a string of/],
    ['str([big, big])', /str would build a string of more than 1000 characters/],
    ['repr([big, big])', /repr would build a string of more than 1000 characters/],
    ['"%r" % ([big, big],)', /%r would build a string of more than 1000 characters/],
    ['"{!r}".format([big, big])', /format would build a string of more than 1000 characters/],
  ])('string building: x = %s', (expression, pattern) => {
    expectSizeLimit(`big = "a" * 600\nx = ${expression}\n`, '2:\\d+', pattern);
  });

  test('case mapping that lengthens text is checked', () => {
    expectSizeLimit('x = ("ß" * 600).upper()\n', '1:\\d+', /upper would build a string of 1200 characters/);
  });

  test('print and fail build their message within the limit', () => {
    expectSizeLimit('big = "a" * 600\nprint(big, big)\n', '2:6', /print would build a string of 1201 characters/);
    expectSizeLimit('big = ["a" * 600] * 2\nfail(big)\n', '2:5', /fail would build a string of more than 1000 characters/);
  });

  test('bytes of a string counts the UTF-8 bytes', () => {
    expectSizeLimit('x = bytes("é" * 600)\n', '1:10', /bytes would build a bytes value of 1200 bytes/);
  });

  test.each([
    ['list(range(1 << 40))', /iteration would build a list of 1001 elements/],
    ['tuple(range(5000))', /iteration would build a list of 1001 elements/],
    ['sorted(range(5000))', /iteration would build a list of 1001 elements/],
    ['set(range(5000))', /iteration would build a list of 1001 elements/],
    ['[i for i in range(5000)]', /comprehension would build a list of 1001 elements/],
    ['{i: i for i in range(5000)}', /comprehension would build a dict of 1001 entries/],
  ])('element by element: x = %s', (expression, pattern) => {
    expectSizeLimit(`x = ${expression}\n`, '1:\\d+', pattern);
  });

  test.each([
    ['items.append(i)', /append would build a list of 1001 elements/],
    ['items.insert(0, i)', /insert would build a list of 1001 elements/],
    ['items.extend([i, i])', /extend would build a list of 100[12] elements/],
    ['items += [i, i]', /'\+=' would build a list of 100[12] elements/],
    ['table[i] = i', /item assignment would build a dict of 1001 entries/],
    ['table.setdefault(i, i)', /setdefault would build a dict of 1001 entries/],
    ['table.update([(i, i)])', /update would build a dict of 1001 entries/],
    ['table |= {i: i}', /'\|=' would build a dict of 1001 entries/],
    ['members.add(i)', /add would build a set of 1001 elements/],
    ['members.update([i])', /update would build a set of 1001 elements/],
    ['members |= set([i])', /'\|=' would build a set of 1001 elements/],
  ])('growth in a loop: %s', (statement, pattern) => {
    const source = `def grow():\n    items = []\n    table = {}\n    members = set()\n    for i in range(5000):\n        ${statement}\ngrow()\n`;
    expectSizeLimit(source, '6:\\d+', pattern);
  });

  test.each([
    ['set(range(600)) | set(range(600, 1200))', /'\|' would build a set of 1200 elements/],
    ['set(range(600)).union(range(600, 1200))', /union would build a set of 1200 elements/],
    ['{i: 1 for i in range(600)} | {i: 1 for i in range(600, 1200)}', /'\|' would build a dict of 1200 entries/],
  ])('unions: x = %s', (expression, pattern) => {
    expectSizeLimit(`x = ${expression}\n`, '1:\\d+', pattern);
  });

  test('unpacking a huge iterable reads one element too many, not all of them', () => {
    const error = failure('a, b = range(1 << 40)\n', { maxSteps: 100 });
    expect(error.message).toBe('bomb.star:1:1: too many values to unpack (got 1099511627776, want 2)');
  });

  test.each([
    ['def square():\n    x = 3\n    for i in range(40):\n        x = x * x\nsquare()\n', /'\*' would build an int of more than 65536 bits/],
    ['def shift():\n    x = 1\n    for i in range(200):\n        x = x << 500\nshift()\n', /'<<' would build an int of more than 65536 bits/],
    ['x = int("9" * 30000)\n', /int would build an int of more than 65536 bits/],
  ])('ints are bounded to MAX_INT_BITS: %#', (source, pattern) => {
    const error = failure(source, { maxValueLength: DEFAULT_MAX_VALUE_LENGTH });
    expect(error.kind).toBe('size-limit');
    expect(error.message).toMatch(pattern);
    expect(MAX_INT_BITS).toBe(65536);
  });

  test('an int literal larger than the int limit is a syntax error', () => {
    const error = failure(`x = ${'9'.repeat(30000)}\n`);
    expect(error.kind).toBe('syntax');
    expect(error.message).toBe('bomb.star:1:5: invalid int literal (larger than 65536 bits)');
  });

  test('error messages show a bounded excerpt of a huge operand', () => {
    const error = failure('big = "k" * 100000\nx = {}[big]\n', { maxValueLength: DEFAULT_MAX_VALUE_LENGTH });
    expect(error.kind).toBe('runtime');
    expect(error.message.length).toBeLessThan(300);
    expect(error.message).toMatch(/^bomb\.star:2:7: key "kkkk+\.\.\. not in dict$/);
  });

  test('bulk work is charged to the step budget, so repeating it cannot run unbounded', () => {
    const error = failure('def churn():\n    big = "a" * 4000000\n    for i in range(100000):\n        x = big.upper()\nchurn()\n', {
      maxValueLength: DEFAULT_MAX_VALUE_LENGTH,
      maxSteps: 2_000_000,
    });
    expect(error.kind).toBe('step-budget');
  });

  test('programs within the limits are unaffected', () => {
    const { globals } = execFile({
      filename: 'ok.star',
      source: 'x = "ab" * 500\ny = [x] * 3\nz = str(y)\nw = ",".join([x, x])\nn = len(z)\n',
      maxValueLength: 3100,
    });
    expect(globals.get('n')?.repr()).toBe(String(3 * 1002 + 4 + 2));
  });
});
