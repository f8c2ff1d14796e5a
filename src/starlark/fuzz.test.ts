import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { locateShared } from '../util/testing/shared-directory.js';
import { execFile, StarlarkError } from './index.js';
import { assertionBuiltins, splitChunks } from './testing/star-chunks.js';

const testdata = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata');
const suite = locateShared('conformance/starlark-test-suite');

/** Valid programs to mutate: our own semantics chunks plus, where present, the shared suite's. */
function seedPrograms(): string[] {
  const files = [path.join(testdata, 'semantics.star')];
  const root = suite.available ? suite.path : undefined;
  for (const folder of root === undefined ? [] : ['go', 'java']) {
    for (const name of readdirSync(path.join(root!, folder)).filter((file) => file.endsWith('.star'))) files.push(path.join(root!, folder, name));
  }
  return files.flatMap((file) => splitChunks(readFileSync(file, 'utf8')).map((chunk) => chunk.source.trimStart()));
}

/**
 * The fuzzing property: any input either runs or fails with a positioned StarlarkError;
 * never a JS exception, never a hang (the step budget bounds every run).
 */
function checkRobust(source: string): void {
  try {
    execFile({ filename: 'fuzz.star', source, predeclared: assertionBuiltins, maxSteps: 20_000 });
  } catch (error) {
    if (!(error instanceof StarlarkError)) throw new Error(`non-Starlark error for ${JSON.stringify(source)}: ${(error as Error).stack}`);
    expect(error.position, `unpositioned error for ${JSON.stringify(source)}: ${error.message}`).toBeDefined();
  }
}

const vocabulary = [
  'x', 'y', 'f', 'len', 'range', 'print', 'None', 'True', '0', '1', '-1', '2.5', '1e400', '0x10', '"s"', "'t'", 'b"b"', '"""q"""',
  'r"\\d"', '"\\x41"', 'def', 'lambda', 'if', 'elif', 'else', 'for', 'in', 'not', 'and', 'or', 'return', 'break', 'continue',
  'pass', 'load', 'while', '+', '-', '*', '/', '//', '%', '|', '&', '^', '<<', '>>', '~', '==', '!=', '<', '<=', '=', '+=', '.',
  ',', ':', ';', '(', ')', '[', ']', '{', '}', '*args', '**kw', '\n', '\n    ', '\n  ', '\\\n', '#c', ' ', 'append', 'split',
  '"%d" %', '.format(', 'sorted(', 'dict(', '[x for x in range(3)]', 'f()', 'x[1:2]', 'x.get', '\t', 'f"x"',
];

describe('starlark fuzzing', () => {
  test('random token soups never crash or hang the interpreter', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...vocabulary), { maxLength: 40 }), (tokens) => checkRobust(tokens.join(' '))),
      { numRuns: 3000 },
    );
  });

  test('random characters never crash the interpreter', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), (text) => checkRobust(text)), { numRuns: 2000 });
  });

  test('mutations of valid programs never crash or hang the interpreter', () => {
    const seeds = seedPrograms();
    const mutation = fc.record({
      seed: fc.nat({ max: seeds.length - 1 }),
      position: fc.nat(),
      length: fc.nat({ max: 12 }),
      insert: fc.constantFrom('', ...vocabulary),
      swapLines: fc.boolean(),
    });
    fc.assert(
      fc.property(mutation, ({ seed, position, length, insert, swapLines }) => {
        let source = seeds[seed];
        const at = source.length === 0 ? 0 : position % source.length;
        source = source.slice(0, at) + insert + source.slice(at + length);
        if (swapLines) {
          const lines = source.split('\n');
          const index = at % Math.max(1, lines.length - 1);
          [lines[index], lines[index + 1]] = [lines[index + 1] ?? '', lines[index]];
          source = lines.join('\n');
        }
        checkRobust(source);
      }),
      { numRuns: 3000 },
    );
  });
});
