import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { InvalidInputError } from '../../util/index.js';
import { mockFixtureSchema } from './mock-fixture-schema.js';
import { parseMockFixture } from './parse-mock-fixture.js';

describe('parseMockFixture', () => {
  it('parses rules with defaults', () => {
    const fixture = parseMockFixture('leaves:\n  - match: {id: a}\n    output: hi\n');
    expect(fixture.leaves[0]).toMatchObject({ match: { id: 'a' }, output: 'hi' });
    expect(fixture.judge).toEqual([]);
  });

  it('reports a bad field at its position', () => {
    const error = (() => {
      try {
        parseMockFixture('leaves:\n  - match: {id: a}\n    latency_ms: soon\n', 'f.yaml');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })() as InvalidInputError;
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.diagnostics[0]).toMatchObject({ position: { file: 'f.yaml', line: 3, column: 17 } });
    expect(error.diagnostics[0]!.message).toContain('leaves.0.latency_ms');
  });

  it('reports an unknown key at the key', () => {
    try {
      parseMockFixture('leaves:\n  - match: {id: a}\n    outptu: hi\n', 'f.yaml');
      expect.unreachable();
    } catch (caught) {
      expect((caught as InvalidInputError).diagnostics[0]).toMatchObject({ position: { line: 3, column: 5 } });
    }
  });

  it('reports YAML syntax errors with a position', () => {
    expect(() => parseMockFixture('leaves: [\n', 'f.yaml')).toThrow(InvalidInputError);
  });
});

describe('parseMockFixture: regular expressions', () => {
  it('rejects an invalid prompt regex at load, at its position, in leaf rules and in the mock model script', () => {
    const diagnosticsOf = (text: string): InvalidInputError['diagnostics'] => {
      try {
        parseMockFixture(text, 'f.yaml');
      } catch (caught) {
        return (caught as InvalidInputError).diagnostics;
      }
      return expect.unreachable('the fixture was accepted');
    };
    expect(diagnosticsOf('leaves:\n  - match: {prompt: "a(b"}\n    output: x\n')[0]).toMatchObject({
      position: { file: 'f.yaml', line: 2, column: 21 },
      message: expect.stringMatching(/^leaves\.0\.match\.prompt: Invalid regular expression: .*Unterminated group/),
    });
    expect(diagnosticsOf('model:\n  rules:\n    - match: {prompt: "[z-a]"}\n      text: x\n')[0]).toMatchObject({
      position: { line: 3, column: 23 },
      message: expect.stringMatching(/^model\.rules\.0\.match\.prompt: Invalid regular expression/),
    });
  });
});

describe('parseMockFixture: JSON', () => {
  it('reads a JSON fixture, and positions its mistakes like YAML', () => {
    expect(parseMockFixture('{"leaves": [{"match": {"id": "a"}, "output": "hi"}]}').leaves[0]).toMatchObject({ match: { id: 'a' }, output: 'hi' });
    try {
      parseMockFixture('{"leaves": [\n  {"match": {"id": "a"}, "latency_ms": "soon"}]}', 'f.json');
      expect.unreachable();
    } catch (caught) {
      expect((caught as InvalidInputError).diagnostics[0]).toMatchObject({ position: { file: 'f.json', line: 2 }, message: expect.stringContaining('leaves.0.latency_ms') });
    }
  });
});

const REPOSITORY_ROOT = join(import.meta.dirname, '../../..');

describe('parseMockFixture: the fast reader agrees with the positioned one', () => {
  // parseMockFixture reads with js-yaml (core schema) and falls back to the `yaml` document
  // reader only on a failure; what either accepts must mean the same fixture.
  const positioned = (text: string): unknown => mockFixtureSchema.parse(parseDocument(text).toJS() ?? {});
  const samples = [
    ...['rlm_cache_change.fixtures.yaml', 'build_log_question.fixtures.yaml'].map((name) => readFileSync(join(REPOSITORY_ROOT, 'workflows', name), 'utf8')),
    [
      'defaults: &d {latency_ms: 0.5}',
      'leaves:',
      '  - match: {id: "quoted: yes"}',
      "    output: 'single ''quoted'''",
      '    usage: {input_tokens: 0x10, output_tokens: 1e3, cost_microusd: ~}',
      '  - match: {prompt: "^a.*b$"}',
      '    output: |',
      '      literal block',
      '        kept indented',
      '    activity: [yes, no, on, off, null-ish, 2026-12-06]',
      '  - match: {id: folded}',
      '    output: >-',
      '      folded',
      '      text',
      '    exit_codes: [0, -1, +2]',
      '    score: .5',
      'judge:',
      '  - match: {node: n}',
      '    answers: [true, false]',
      '    reason: "unicode \\u00e9 and a tab\\t"',
      '',
    ].join('\n'),
    '',
    '# only a comment\n',
    '{"leaves": [{"match": {"id": "j"}, "output": "json"}]}',
  ];
  it.each(samples.map((text, index) => [index, text]))('sample %i', (_index, text) => {
    expect(parseMockFixture(text)).toEqual(positioned(text));
  });

  it('a duplicate key is an error with its position, as before', () => {
    expect(() => parseMockFixture('leaves: []\nleaves: []\n', 'f.yaml')).toThrow(InvalidInputError);
  });
});
