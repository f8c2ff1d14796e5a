import { LeafSpecSchema, type LeafSpec } from '../../ir/index.js';
import type { EffectivePermissions, LeafRunContext, LeafRunInput, RemainingBudget } from '../../engine/index.js';
import { z } from 'zod';

type LeafFields = Partial<z.input<typeof LeafSpecSchema>> & { readonly id: string; readonly prompt: string };

/** A leaf with the IR's defaults filled in. */
export function leafSpec(fields: LeafFields): LeafSpec {
  return LeafSpecSchema.parse(fields);
}

export const READ_ONLY: EffectivePermissions = { allowWrite: false, allowNetwork: false, allowedTools: [], fileScope: [], allowedCommands: [], isolation: 'shared' };
export const READ_WRITE_WORKTREE: EffectivePermissions = { ...READ_ONLY, allowWrite: true, isolation: 'worktree' };

export function leafRunInput(
  leaf: LeafSpec,
  options: { permissions?: Partial<EffectivePermissions>; budget?: RemainingBudget; runId?: string; resolvedInputs?: Record<string, string | null>; role?: string } = {},
): LeafRunInput {
  return {
    workflow: { id: 'wf', goal: 'test' },
    leaf,
    resolvedInputs: options.resolvedInputs ?? {},
    inputHash: `hash-${leaf.id}`,
    role: options.role ?? leaf.role ?? leaf.agent_type,
    permissions: { ...READ_ONLY, ...options.permissions },
    budget: options.budget ?? {},
    runId: options.runId ?? 'run-1',
  };
}

export interface RecordingContext extends LeafRunContext {
  readonly activities: string[];
  readonly spends: Parameters<LeafRunContext['spend']>[0][];
  readonly controller: AbortController;
}

/** A LeafRunContext that records what the runner reported. */
export function recordingContext(): RecordingContext {
  const controller = new AbortController();
  const activities: string[] = [];
  const spends: Parameters<LeafRunContext['spend']>[0][] = [];
  return { signal: controller.signal, controller, activities, spends, activity: (message) => activities.push(message), spend: (usage) => spends.push(usage) };
}
