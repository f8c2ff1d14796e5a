import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCoreYaml } from './testdata/read-core-yaml.js';
import { InvalidInputError } from '../../util/index.js';
import { parseMockFixture } from './parse-mock-fixture.js';
import { readLeafRuleRun } from './read-leaf-rule-run.js';
import { readPlainBlockYaml } from './read-plain-block-yaml.js';

// readLeafRuleRun only decides how fast a fixture is read: whatever it takes, it must read as the
// plain block reader and js-yaml's core schema do; anything else it must leave to them.
const core = readCoreYaml;

function agrees(text: string): boolean {
  const fast = readLeafRuleRun(text);
  if (!fast) return false;
  expect(core(text)).toEqual({ value: fast.value });
  expect(readPlainBlockYaml(text)).toEqual({ value: fast.value });
  return true;
}

const rule = (index: number, indent = 0, output = `"leaf-${index} ${'x'.repeat(20)}"`): string => {
  const pad = ' '.repeat(indent);
  return `${pad}- match:\n${pad}    id: leaf-${index}\n${pad}  output: ${output}\n`;
};

/** Scalars as written: the forms the run takes and their near misses. */
const scalarText = fc.oneof(
  { arbitrary: fc.constantFrom('leaf-1', '"leaf-2 text: #3"', "'w'", 'Leaf_(2) x.y/z'), weight: 6 },
  fc.constantFrom('leaf-1', 'a b', 'x.y/z', 'Leaf_(2)', '"q a: #b"', "'s'", '""', "''", 'true', 'False', 'NULL', '~', 'yes', '7', '-3', '1.5', '.nan'),
  fc.constantFrom('"esc\\n"', '"open', "'it''s'", 'a # c', '"a" # c', 'a: b', '[1]', '{a: 1}', '&x a', '*x', '!t a', '|', '"é"', '- a'),
  fc.stringMatching(/^[A-Za-z_"'][A-Za-z0-9 _.:#'"-]{0,8}$/),
);
const latency = fc.option(fc.constantFrom('0', '20', '-5', '007', '1.5', 'soon', '999999999999999'), { nil: undefined, freq: 2 });
const extraLine = fc.oneof({ arbitrary: fc.constant(''), weight: 12 }, fc.constantFrom( '# note', '', '  # indented note', '  prompt: x', '    prompt: x', '  latency_ms: 3', '      deeper', '-', '- x', 'judge: []', '\t', ' '));

interface RuleShape {
  id: string;
  output: string;
  latency: string | undefined;
  after: string;
}

const ruleShape = fc.record({ id: scalarText, output: scalarText, latency, after: extraLine });

function writeFixture(rules: readonly RuleShape[], indent: number, before: string, after: string, trailing: string): string {
  const pad = ' '.repeat(indent);
  const body = rules
    .map(({ id, output, latency: ms, after: extra }) => {
      let text = `${pad}- match:\n${pad}    id: ${id}\n${pad}  output: ${output}\n`;
      if (ms !== undefined) text += `${pad}  latency_ms: ${ms}\n`;
      if (extra) text += `${pad}${extra}\n`;
      return text;
    })
    .join('');
  return `${before}leaves:${trailing}\n${body}${after}`;
}

describe('readLeafRuleRun', () => {
  it('reads what js-yaml and the plain block reader read, or leaves the text to them', () => {
    let taken = 0;
    fc.assert(
      fc.property(
        fc.array(ruleShape, { minLength: 0, maxLength: 5 }),
        fc.constantFrom(0, 2, 3),
        fc.constantFrom('', 'defaults:\n  latency_ms: 0\n', '# generated\n', '', 'defaults:\n  latency_ms: 0\n', 'leaves:\n', '  x: 1\n', 'a: [1]\n', 'judge:\n- match:\n    node: n\n  answer: true\n'),
        fc.constantFrom('', '', 'other: x\n', 'judge: []\n', 'reduce:\n  - output: done\n', 'leaves: []\n', '# end\n', '\n\njudge:\n  - answer: false\n', 'pricing:\n  input_usd_per_million: 1\n'),
        fc.constantFrom('', '', '', '  ', ' # c'),
        fc.boolean(),
        (rules, indent, before, after, trailing, dropLastNewline) => {
          let text = writeFixture(rules, indent, before, after, trailing);
          if (dropLastNewline) text = text.replace(/\n$/, '');
          if (agrees(text)) taken += 1;
        },
      ),
      { numRuns: Number(process.env.LEAF_RULE_RUNS ?? 3000) },
    );
    expect(taken).toBeGreaterThan(100);
  });

  it("takes a wide fan-out's fixture as the benchmarks write it, with or without latencies", () => {
    const rules = Array.from({ length: 100 }, (_, index) => rule(index)).join('');
    expect(agrees(`# generated\ndefaults:\n  latency_ms: 0\nleaves:\n${rules}`)).toBe(true);
    expect(agrees(`leaves:\n${Array.from({ length: 20 }, (_, index) => rule(index, 2)).join('')}other: x\n`)).toBe(true);
    const timed = Array.from({ length: 20 }, (_, index) => `${rule(index)}  latency_ms: ${index * 3}\n`).join('');
    expect(agrees(`leaves:\n${timed}`)).toBe(true);
  });

  it('leaves a rule list with anything else in it to the general readers', () => {
    const head = `leaves:\n${rule(0)}${rule(1)}`;
    const outside = [
      `${head}- match:\n    id: leaf-2\n  output: null\n`, // not a string
      `${head}- match:\n    id: true\n  output: "x"\n`,
      `${head}# a comment among the rules\n${rule(2)}`,
      `${head}\n${rule(2)}`,
      `${head}  prompt_note: x\n`,
      `${head}  latency_ms: 1\n  latency_ms: 2\n`,
      `${head}- match: {id: leaf-2}\n  output: x\n`,
      `${head}leaves: []\n`, // a repeated key
      `${head}- match:\n    id: leaf-2\n  output: "x"\n  latency_ms: -1\n`,
      `${head}- match:\n    id: leaf-2\n  output: "a\n    b"\n`,
      `${head}- match:\n    id: leaf-2\n  output: plain\n    continued\n`,
      `${head}- match:\n    id: leaf-2\n  output: "x"\r\n`,
      `${head}&anchor\n`,
      `a: &x 1\nb: *x\n${head}`,
      `---\n${head}`,
      `  ${head}`,
      `${head.replace('leaves:\n', 'leaves: # c\n')}`,
    ];
    for (const text of outside) expect(readLeafRuleRun(text), JSON.stringify(text)).toBeUndefined();
  });

  it('changes no error: a malformed fixture after a run of rules is reported at its line and column', () => {
    const rules = Array.from({ length: 50 }, (_, index) => rule(index)).join('');
    const diagnosticOf = (text: string): InvalidInputError['diagnostics'][number] | undefined => {
      try {
        parseMockFixture(text, 'f.yaml');
      } catch (caught) {
        expect(caught).toBeInstanceOf(InvalidInputError);
        return (caught as InvalidInputError).diagnostics[0];
      }
      return undefined;
    };
    // a duplicate key inside a rule after 50 good ones (lines 2-151): reported at the repeat
    expect(diagnosticOf(`leaves:\n${rules}- match:\n    id: a\n  output: "x"\n  output: "y"\n`)).toMatchObject({ code: 'fixture-syntax', position: { file: 'f.yaml', line: 155 } });
    // an unknown key in a rule: reported at the key
    expect(diagnosticOf(`leaves:\n${rules}- match:\n    id: a\n  outptu: "x"\n`)).toMatchObject({ code: 'fixture-schema', position: { line: 154, column: 3 } });
    // an anchor and alias after the run: full YAML, read by js-yaml, same meaning
    const aliased = parseMockFixture(`leaves:\n${rules}- match:\n    id: &name a\n  output: *name\n`);
    expect(aliased.leaves[50]).toEqual({ match: { id: 'a' }, output: 'a' });
    expect(aliased.leaves).toHaveLength(51);
  });
});
