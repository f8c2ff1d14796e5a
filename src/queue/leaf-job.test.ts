import { describe, expect, it } from 'vitest';
import { leafInputHash, LeafSpecSchema } from '../ir/index.js';
import { leafJobOf, leafJobSchema } from './leaf-job.js';

describe('leafJobOf', () => {
  const leaf = LeafSpecSchema.parse({ id: 'fix', prompt: 'fix it', command: 'npm test' });
  const spec = { id: 'wf', goal: 'g', description: 'the whole workflow, with OPENAI_API_KEY=sk-should-never-travel in it', nodes: [] };
  const input = {
    workflow: spec as unknown as { id: string; goal: string },
    leaf,
    resolvedInputs: { a: 'out' },
    inputHash: leafInputHash(spec, leaf, { a: 'out' }),
    role: 'implementer',
    permissions: { allowWrite: true, allowNetwork: false, allowedTools: [], fileScope: ['src/**'], allowedCommands: ['npm test'], isolation: 'worktree' as const },
    budget: { tokens: 500, deadline: 10_000 },
    runId: 'resumed-run',
    effect: { iteration: 2, ordinal: 1 },
  };

  it('carries only what the leaf needs: never the whole workflow, an environment or a credential', () => {
    const job = leafJobOf(input, { lineage: 'first-run', runContext: 'ctx-1', now: () => 4_000 });
    expect(Object.keys(job).sort()).toEqual(['budget', 'effect', 'inputHash', 'jobId', 'leaf', 'lineage', 'permissions', 'resolvedInputs', 'role', 'runContext', 'runId', 'version', 'workflow']);
    expect(job.workflow).toEqual({ id: 'wf', goal: 'g' });
    expect(JSON.stringify(job)).not.toContain('sk-should-never-travel');
    expect(job.budget).toEqual({ tokens: 500, timeoutMs: 6_000 });
    expect(leafJobSchema.safeParse(JSON.parse(JSON.stringify(job))).success).toBe(true);
  });

  it('derives the job id from the lineage and the effect, so a resumed run names the same jobs', () => {
    const first = leafJobOf({ ...input, runId: 'first-run' }, { lineage: 'first-run', runContext: 'ctx-1', now: () => 0 });
    const resumed = leafJobOf(input, { lineage: 'first-run', runContext: 'ctx-2', now: () => 0 });
    const otherOrdinal = leafJobOf({ ...input, effect: { iteration: 2, ordinal: 2 } }, { lineage: 'first-run', runContext: 'ctx-1', now: () => 0 });
    const otherLineage = leafJobOf(input, { lineage: 'another-run', runContext: 'ctx-1', now: () => 0 });
    expect(resumed.jobId).toBe(first.jobId);
    expect(otherOrdinal.jobId).not.toBe(first.jobId);
    expect(otherLineage.jobId).not.toBe(first.jobId);
    expect(first.jobId).toMatch(/^leaf-[0-9a-f]{40}$/);
  });
});
