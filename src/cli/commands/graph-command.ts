import { Command, Option } from 'commander';
import { compileWorkflowFile } from '../../authoring/index.js';
import { exportGraph, type GraphFormat } from '../../ir/index.js';
import type { CliContext } from '../cli-context.js';
import { addLaunchShapeOptions, launchShapeFrom } from '../options/index.js';

export function graphCommand(context: CliContext): Command {
  return addLaunchShapeOptions(new Command('graph')
    .description('Draw a workflow as a Mermaid flowchart or a Graphviz digraph (branches as clusters, references as dashed edges)')
    .argument('<file>', 'workflow file')
    .addOption(new Option('--format <format>', 'graph language').choices(['mermaid', 'dot']).default('mermaid'))
    .addHelpText('after', '\nExamples:\n  $ whaleflow graph workflows/rlm_cache_change.star\n  $ whaleflow graph review.yaml --format dot | dot -Tsvg > review.svg'))
    .action(async (file: string, options: { format: GraphFormat; maxAgents?: number; maxDepth?: number }) => {
      const { spec } = await compileWorkflowFile(file, { ...launchShapeFrom(options), cwd: context.cwd });
      context.stdout(exportGraph(spec, options.format));
    });
}
