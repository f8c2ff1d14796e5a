import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../util/index.js';
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
