import type { EffectResult, LeafRunContext, LeafRunInput } from '../engine/index.js';
import type { Workspace } from './workspace/index.js';

/** One kind of real leaf, run inside a workspace the dispatcher opened for it. */
export interface WorkspaceLeafRunner {
  run(input: LeafRunInput, context: LeafRunContext, workspace: Workspace): Promise<EffectResult>;
}
