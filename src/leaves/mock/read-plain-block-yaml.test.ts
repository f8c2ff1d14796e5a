import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCoreYaml } from './testdata/read-core-yaml.js';
import { readPlainBlockYaml } from './read-plain-block-yaml.js';

// readPlainBlockYaml only decides how fast a fixture is read: whatever it takes, it must read as
// js-yaml's core schema does, and whatever js-yaml refuses, it must leave to js-yaml.
const core = readCoreYaml;

function agreesWithJsYaml(text: string): boolean {
  const fast = readPlainBlockYaml(text);
  if (!fast) return false;
  const reference = core(text);
  expect(reference).toEqual({ value: fast.value });
  return true;
}

/** Scalars as written: the subset's forms and their near misses (numbers, words YAML resolves, indicators). */
const scalarText = fc.oneof(
  fc.constantFrom('leaf-1', 'a b', 'a  b', 'x.y/z', 'Leaf_(2)', 'a+b', 'true', 'True', 'TRUE', 'tRue', 'false', 'null', 'Null', 'NULL', '~', 'yes', 'no', 'on', 'off'),
  fc.constantFrom('0', '-0', '7', '-12', '007', '0x1f', '0o7', '1_000', '1.5', '1e3', '.inf', '.nan', '+3', '999999999999999', '9999999999999999'),
  fc.constantFrom('""', "''", '"a b: c # d"', "'it''s'", '"say \\"hi\\""', '"tab\\t"', '"open', "'open", '"a" # c', 'a # c', 'a: b', '- x', '[1, 2]', '{a: 1}', '&anchor x', '*alias', '!tag x', '|', '>', '@x', '`x`', '%x', '"é"'),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9 _.:#'"-]{0,8}$/),
  fc.integer({ min: -1000, max: 1000 }).map(String),
);
const key = fc.oneof(fc.constantFrom('id', 'output', 'match', 'latency_ms', 'true', 'null', '__proto__', 'a b', '"q"', '1'), fc.stringMatching(/^[a-z_][a-z0-9_]{0,5}$/));

type Tree = { kind: 'scalar'; text: string } | { kind: 'map'; entries: [string, Tree][] } | { kind: 'seq'; items: Tree[] };

const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalarText.map((text) => ({ kind: 'scalar' as const, text })),
    fc.array(fc.tuple(key, tie('tree')), { minLength: 1, maxLength: 4 }).map((entries) => ({ kind: 'map' as const, entries })),
    fc.array(tie('tree'), { minLength: 1, maxLength: 4 }).map((items) => ({ kind: 'seq' as const, items })),
  ),
}));

/** Writes a tree as block YAML; `step` is the indentation of a nested block, `compact` puts a mapping's sequence at its key's indentation. */
function write(node: Tree, indent: number, style: { step: number; compact: boolean }): string[] {
  const pad = ' '.repeat(indent);
  if (node.kind === 'scalar') return [`${pad}${node.text}`];
  const lines: string[] = [];
  if (node.kind === 'map') {
    for (const [name, value] of node.entries) {
      if (value.kind === 'scalar') lines.push(`${pad}${name}: ${value.text}`);
      else {
        lines.push(`${pad}${name}:`);
        lines.push(...write(value, value.kind === 'seq' && style.compact ? indent : indent + style.step, style));
      }
    }
    return lines;
  }
  for (const item of node.items) {
    if (item.kind === 'scalar') lines.push(`${pad}- ${item.text}`);
    else if (item.kind === 'map') {
      // `- key: value`, the mapping continuing at the column of its first key
      const inner = write(item, indent + 2, style);
      lines.push(`${pad}- ${inner[0]!.trimStart()}`, ...inner.slice(1));
    } else {
      lines.push(`${pad}-`, ...write(item, indent + style.step, style));
    }
  }
  return lines;
}

describe('readPlainBlockYaml', () => {
  it('reads what js-yaml reads, or leaves the text to it', () => {
    let taken = 0;
    fc.assert(
      fc.property(tree, fc.integer({ min: 1, max: 4 }), fc.boolean(), fc.constantFrom('', '\n', '\n\n# note\n', '\n  \n'), (root, step, compact, end) => {
        const text = write(root, 0, { step, compact }).join(compact ? '\n' : '\n\n') + end;
        if (agreesWithJsYaml(text)) taken += 1;
      }),
      { numRuns: Number(process.env.PLAIN_YAML_RUNS ?? 3000) },
    );
    // The subset is worth having only if it takes most plain documents.
    expect(taken).toBeGreaterThan(100);
  });

  it("takes a wide fan-out's fixture as written by the benchmarks and the docs", () => {
    const rules = Array.from({ length: 50 }, (_, index) => `- match:\n    id: leaf-${index}\n  output: "leaf-${index} ${'x'.repeat(20)}"\n`).join('');
    expect(agreesWithJsYaml(`defaults:\n  latency_ms: 0\nleaves:\n${rules}`)).toBe(true);
    expect(agreesWithJsYaml('# a comment\nleaves:\n  - match:\n      prompt: "^leaf-"\n    output: "{id} done"\n    latency_ms: 20\njudge: []\n'.replace('judge: []\n', 'judge:\n  - match:\n      node: loop\n    answer: true\n'))).toBe(true);
  });

  it('leaves everything outside the subset to js-yaml', () => {
    const outside = [
      'a: 1\na: 2\n', // a repeated key: js-yaml refuses it
      'a: {b: 1}\n',
      'a: [1, 2]\n',
      'a: &x 1\nb: *x\n',
      'a: |\n  text\n',
      'a: "esc\\n"\n',
      'a: b # comment\n',
      'a:\tb\n',
      'a: b\r\n',
      '---\na: 1\n',
      'a: 1.5\n',
      'a: 0x10\n',
      'a: plain\n  continued\n',
      '- a\n  - b\n',
      'plain\n',
      '',
      'a:\n - b\n c: d\n',
    ];
    for (const text of outside) expect(readPlainBlockYaml(text), JSON.stringify(text)).toBeUndefined();
  });

  it('stops at a depth limit instead of recursing without bound', () => {
    const deep = Array.from({ length: 200 }, (_, level) => `${' '.repeat(level)}k:`).join('\n');
    expect(readPlainBlockYaml(deep)).toBeUndefined();
  });
});
