import { Command } from 'commander';
import { formatMemoryUse, summarizeMemoryUse } from '../../memory/index.js';
import { explainRun } from '../../janitor/index.js';
import { overlayLessonLines, overlaySummary, recordedRunOverlay, renderNodeDetail, renderRunTree, resolveRunReference } from '../../runs/index.js';
import { eventsOf, openProjectTrace, RunNotFoundError } from '../../trace/index.js';
import { escapeTerminalLine, escapeTerminalText, WhaleflowError } from '../../util/index.js';
import type { CliContext } from '../cli-context.js';
import { databaseOption } from '../options/index.js';

export function inspectCommand(context: CliContext): Command {
  return new Command('inspect')
    .description('Show a recorded run as a tree (status, timings, tokens, cost, memo hits, outputs), or one node in detail')
    .argument('<run>', 'run id, unique prefix of one, or "last"')
    .argument('[node]', 'a node id: show that node in detail')
    .option('--full', 'print whole outputs instead of truncating them')
    .addOption(databaseOption(context))
    .addHelpText('after', '\nExamples:\n  $ whaleflow inspect last\n  $ whaleflow inspect 3f2a leaf-7 --full')
    .action((reference: string, nodeId: string | undefined, options: { full?: boolean; db?: string }) => {
      const store = openProjectTrace({ cwd: context.cwd, env: context.env, databasePath: options.db, mustExist: true });
      try {
        const run = resolveOrExplain(store, reference);
        if (nodeId === undefined) {
          context.stdout(renderRunTree(store, run, { outputWidth: options.full ? Number.MAX_SAFE_INTEGER : 80 }));
          // What the janitor did to it (compacted: progress lines dropped), so a thinner log is explained.
          const janitor = explainRun(store.database, run.runId);
          if (janitor.length > 0) context.stdout(`\njanitor\n${janitor.map((line) => `  ${escapeTerminalLine(line)}`).join('\n')}\n`);
          // External memory: which leaves used which contexts, and how much (docs/memory.md).
          const memory = summarizeMemoryUse(eventsOf(store.eventStream(run.runId, { types: ['node_finished'] })));
          // Leaf ids may come from a planner model (expand): escaped like the tree above.
          if (memory) context.stdout(`\n${escapeTerminalText(formatMemoryUse(memory))}`);
          // The overlay of lessons it applied (recorded in run_started): why its prompts looked as they did.
          const overlay = recordedRunOverlay(store, run.runId);
          if (overlay) context.stdout(`\noverlay ${overlaySummary(overlay)}\n${overlayLessonLines(overlay).map((entry) => `  ${escapeTerminalLine(entry)}\n`).join('')}`);
          return;
        }
        const detail = renderNodeDetail(store, run, nodeId, { full: options.full });
        if (detail === undefined) throw new WhaleflowError(`run ${run.runId} has no node "${nodeId}" (whaleflow inspect ${reference} lists them)`);
        context.stdout(detail);
      } finally {
        store.close();
      }
    });
}

/** A run the janitor deleted is not "unknown": the error says which pass removed it and why. */
function resolveOrExplain(store: ReturnType<typeof openProjectTrace>, reference: string) {
  try {
    return resolveRunReference(store, reference);
  } catch (error) {
    if (!(error instanceof RunNotFoundError)) throw error;
    const deleted = explainRun(store.database, reference).filter((line) => line.includes(' was deleted by '));
    if (deleted.length === 0) throw error;
    throw new WhaleflowError(deleted.map((line) => escapeTerminalLine(line)).join('\n'));
  }
}
