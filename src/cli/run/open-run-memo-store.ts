import type { MemoConfig } from '../../config/index.js';
import { SqliteMemoStore } from '../../memo/index.js';
import { projectTracePath } from '../../trace/index.js';
import { SecretRedactor } from '../../util/index.js';

/**
 * The ARMH memo of a CLI run: the `armh_memo` table of the project database (the same file as
 * the trace), so completed answers outlive the process and later runs reuse them per the
 * configured cross-run policy. None when the configuration turns the memo off.
 */
export function openRunMemoStore(options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv; readonly memo: MemoConfig }): SqliteMemoStore | undefined {
  if (!options.memo.enabled) return undefined;
  return new SqliteMemoStore(projectTracePath({ cwd: options.cwd, env: options.env }), { redactor: new SecretRedactor(options.env) });
}
