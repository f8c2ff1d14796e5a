import type { EffectivePermissions, LeafRunInput } from '../../engine/index.js';
import { leafInputHash, LeafSpecSchema } from '../../ir/index.js';
import { leafJobOf, type LeafJob } from '../leaf-job.js';

const READ_ONLY: EffectivePermissions = { allowWrite: false, allowNetwork: false, allowedTools: [], fileScope: [], allowedCommands: [], isolation: 'shared' };

export interface TestJobOptions {
  readonly lineage?: string;
  readonly runContext?: string;
  readonly permissions?: Partial<EffectivePermissions>;
  readonly command?: string;
  readonly ordinal?: number;
  readonly resolvedInputs?: Record<string, string | null>;
  readonly timeoutMs?: number;
}

/** A job for a leaf with this id, as the coordinator would make it; read-only unless told. */
export function testLeafJob(leafId: string, options: TestJobOptions = {}): LeafJob {
  const leaf = LeafSpecSchema.parse({ id: leafId, prompt: `do ${leafId}`, ...(options.command ? { command: options.command } : {}) });
  const workflow = { id: 'queue-test', goal: 'exercise a leaf queue' };
  const resolvedInputs = options.resolvedInputs ?? {};
  const input: LeafRunInput = {
    workflow,
    leaf,
    resolvedInputs,
    inputHash: leafInputHash(workflow, leaf, resolvedInputs),
    role: 'general',
    permissions: { ...READ_ONLY, ...options.permissions },
    budget: { tokens: 1000, ...(options.timeoutMs !== undefined ? { deadline: 1_000 + options.timeoutMs } : {}) },
    runId: options.lineage ?? 'run-1',
    effect: { iteration: 0, ordinal: options.ordinal ?? 0 },
  };
  return leafJobOf(input, { lineage: options.lineage ?? 'run-1', runContext: options.runContext ?? 'context-1', now: () => 1_000 });
}
