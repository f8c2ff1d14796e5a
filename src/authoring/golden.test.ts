import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toCanonicalPrettyJson } from '../ir/index.js';
import { compileWorkflowFile, frontEndFor } from './index.js';

// Regenerate with `npm run golden:update` after an intended change, and review the diff.
const update = process.env.UPDATE_GOLDEN === '1';
const repoRoot = resolve(import.meta.dirname, '../..');
const goldenDir = join(repoRoot, 'src/authoring/testdata/golden');

/** Workflow sources with golden IR: the hand-written cases here, and every example under workflows/. */
function goldenCases(): { input: string; golden: string }[] {
  const isWorkflow = (name: string) => frontEndFor(name) !== undefined && !/\.fixtures?\.ya?ml$/.test(name) && !name.endsWith('.golden.json');
  const local = readdirSync(goldenDir)
    .filter(isWorkflow)
    .map((name) => ({ input: join(goldenDir, name), golden: join(goldenDir, `${name}.golden.json`) }));
  const examples = readdirSync(join(repoRoot, 'workflows'))
    .filter(isWorkflow)
    .map((name) => ({ input: join(repoRoot, 'workflows', name), golden: join(goldenDir, `workflows__${name}.golden.json`) }));
  return [...local, ...examples];
}

describe('golden IR for hand-written workflows and examples', () => {
  for (const { input, golden } of goldenCases()) {
    it(relative(repoRoot, input), async () => {
      const compiled = await compileWorkflowFile(input);
      const actual = `${toCanonicalPrettyJson(compiled.spec)}\n`;
      if (update) writeFileSync(golden, actual);
      if (!existsSync(golden)) throw new Error(`no golden file ${relative(repoRoot, golden)}; create it with: npm run golden:update`);
      expect(actual).toBe(readFileSync(golden, 'utf8'));
    });
  }

  it('writes a CodeWhale document without extensions back byte for byte', async () => {
    const input = join(goldenDir, 'codewhale-minimal.json');
    const { spec } = await compileWorkflowFile(input);
    const { toCanonicalJson } = await import('../ir/index.js');
    expect(`${toCanonicalJson(spec)}\n`).toBe(readFileSync(input, 'utf8'));
  });
});
