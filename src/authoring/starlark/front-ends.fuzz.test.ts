import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWorkflowSpec, SpecSource, validateSpec } from '../../ir/index.js';
import type { Diagnostic } from '../../util/index.js';
import type { FrontEnd } from '../compiled-workflow.js';
import { jsFrontEnd } from '../js/js-front-end.js';
import { planFrontEnd } from '../plan/plan-front-end.js';
import { createStarlarkFrontEnd } from './starlark-front-end.js';

// Mutated example files must never crash a front-end: every outcome is a spec or positioned
// diagnostics, and a small step budget keeps mutated Starlark from running away.
const repoRoot = resolve(import.meta.dirname, '../../..');
const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

const FRAGMENTS = [
  '(', ')', '[', ']', '{', '}', ',', ':', '=', '"', "'", '`', '\n', '    ', '#', '\\', '${x}', '...', '=>', '-1', '0', 'None', 'True', 'null',
  'for i in range(100000000): pass\n', 'def f():\n  return f()\nf()\n', 'workflow(goal = "again")\n', 'agent(id = "x")', 'ctx.parallel(',
  'id = "dup"', 'children = [', 'depends_on_results = ["ghost"]', '{agent: {id: "a", prompt: fn()}}', '"kind": "leaf"', '\u0000', '\u2028', '😀',
];

/** One mutation: delete a span, insert a fragment, or duplicate a span. */
const mutationArbitrary = fc.oneof(
  fc.record({ type: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ type: fc.constant('insert' as const), at: fc.nat(), fragment: fc.constantFrom(...FRAGMENTS) }),
  fc.record({ type: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 80 }) }),
);
type Mutation = typeof mutationArbitrary extends fc.Arbitrary<infer T> ? T : never;

function mutate(text: string, mutations: readonly Mutation[]): string {
  let result = text;
  for (const mutation of mutations) {
    const at = result.length === 0 ? 0 : mutation.at % result.length;
    switch (mutation.type) {
      case 'delete':
        result = result.slice(0, at) + result.slice(at + mutation.length);
        break;
      case 'insert':
        result = result.slice(0, at) + mutation.fragment + result.slice(at);
        break;
      case 'duplicate':
        result = result.slice(0, at) + result.slice(at, at + mutation.length) + result.slice(at);
        break;
    }
  }
  return result;
}

/** Front-end and gate as compileWorkflowSource runs them, returning diagnostics instead of throwing. */
async function compileWith(frontEnd: FrontEnd, file: string, text: string): Promise<readonly Diagnostic[]> {
  const source = new SpecSource(file);
  const front = await frontEnd(file, text, source);
  if (!front.ok) return front.diagnostics;
  const parsed = parseWorkflowSpec(front.document, source);
  if (!parsed.ok) return parsed.diagnostics;
  return validateSpec(parsed.spec, {}, source);
}

const cases: { name: string; file: string; frontEnd: FrontEnd }[] = [
  { name: 'rlm_cache_change.star', file: 'workflows/rlm_cache_change.star', frontEnd: createStarlarkFrontEnd({ maxSteps: 100_000 }) },
  { name: 'every-builtin.star', file: 'src/authoring/testdata/golden/every-builtin.star', frontEnd: createStarlarkFrontEnd({ maxSteps: 100_000 }) },
  { name: 'docs_refresh.workflow.js', file: 'workflows/docs_refresh.workflow.js', frontEnd: jsFrontEnd },
  { name: 'generated.plan.json', file: 'src/authoring/testdata/golden/generated.plan.json', frontEnd: planFrontEnd },
];

describe('fuzzed example files', () => {
  for (const { name, file, frontEnd } of cases) {
    it(`${name}: no crash, every error positioned`, async () => {
      const original = read(file);
      await fc.assert(
        fc.asyncProperty(fc.array(mutationArbitrary, { minLength: 1, maxLength: 4 }), async (mutations) => {
          const diagnostics = await compileWith(frontEnd, file, mutate(original, mutations));
          for (const diagnostic of diagnostics) {
            expect(diagnostic.message.length).toBeGreaterThan(0);
            if (diagnostic.severity === 'error') {
              expect(diagnostic.position, diagnostic.message).toBeDefined();
            }
          }
        }),
        { numRuns: 150 },
      );
    });
  }
});
