import { Command } from 'commander';
import type { EffectArtifact } from '../../engine/index.js';
import { applyDiff } from '../../leaves/index.js';
import { resolveRunReference } from '../../runs/index.js';
import { openProjectTrace, type TraceStore } from '../../trace/index.js';
import { escapeTerminalText, WhaleflowError } from '../../util/index.js';
import type { CliContext } from '../cli-context.js';
import { databaseOption } from '../options/index.js';

interface ApplyOptions {
  readonly '3way'?: boolean;
  readonly check?: boolean;
  readonly print?: boolean;
  readonly db?: string;
}

/** `whaleflow apply RUN LEAF`: brings a worktree leaf's recorded diff into the working tree. */
export function applyCommand(context: CliContext): Command {
  return new Command('apply')
    .description("Apply a leaf's recorded diff (from its isolated worktree) to the working tree; checked first, so a diff that does not apply changes nothing")
    .argument('<run>', 'run id, unique prefix of one, or "last"')
    .argument('<leaf>', 'the leaf id whose diff to apply')
    .option('--3way', 'if the diff does not apply cleanly, attempt a three-way merge (may leave conflict markers)')
    .option('--check', 'only check whether the diff applies; change nothing')
    .option('--print', 'print the diff instead of applying it')
    .addOption(databaseOption(context))
    .addHelpText('after', '\nExamples:\n  $ whaleflow apply last implement-a\n  $ whaleflow apply 3f2a fix --check')
    .action(async (reference: string, leafId: string, options: ApplyOptions) => {
      const store = openProjectTrace({ cwd: context.cwd, env: context.env, databasePath: options.db, mustExist: true });
      let diff: EffectArtifact;
      let runId: string;
      try {
        runId = resolveRunReference(store, reference).runId;
        diff = recordedLeafDiff(store, runId, leafId);
      } finally {
        store.close();
      }
      if (options.print) {
        // A diff a model wrote: raw into a pipe (`> fix.patch`), escaped on a terminal.
        context.stdout(context.isTty ? escapeTerminalText(diff.content) : diff.content);
        return;
      }
      const outcome = await applyDiff(context.cwd, diff.content, { threeWay: options['3way'], checkOnly: options.check });
      const what = `diff of leaf "${leafId}" (run ${runId})`;
      context.stdout(outcome.applied ? `applied the ${what}${outcome.method === '3way' ? ' with a three-way merge' : ''}\n` : `the ${what} applies cleanly (nothing changed)\n`);
    });
}

/** The diff of the leaf's last completed effect that recorded one, or of the last time it was stopped mid-flight. */
function recordedLeafDiff(store: TraceStore, runId: string, leafId: string): EffectArtifact {
  let ranLeaf = false;
  let diff: EffectArtifact | undefined;
  for (const { event } of store.events(runId)) {
    if (event.type === 'leaf_stopped' && event.nodeId === leafId) {
      ranLeaf = true;
      diff = event.artifacts.find((artifact) => artifact.kind === 'diff') ?? diff;
    }
    if (event.type !== 'effect_completed' || event.kind !== 'leaf' || event.scope.nodeId !== leafId) continue;
    ranLeaf = true;
    diff = event.result.artifacts?.find((artifact) => artifact.kind === 'diff') ?? diff;
  }
  if (!ranLeaf) throw new WhaleflowError(`run ${runId} has no completed leaf "${leafId}" (whaleflow inspect ${runId} lists its nodes)`);
  if (!diff) throw new WhaleflowError(`leaf "${leafId}" of run ${runId} recorded no diff (it changed nothing, or ran in the shared working tree)`);
  return diff;
}
