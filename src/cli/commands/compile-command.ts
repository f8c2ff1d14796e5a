import { Command, Option } from 'commander';
import { stringify } from 'yaml';
import { compileWorkflowFile } from '../../authoring/index.js';
import { leafInputHash, listNodes, specHash, toCanonicalJson, WorkflowSpecSchema } from '../../ir/index.js';
import { escapeTerminalText, formatDiagnostic } from '../../util/index.js';
import type { CliContext } from '../cli-context.js';
import { addLaunchShapeOptions, launchShapeFrom } from '../options/index.js';

export function compileCommand(context: CliContext): Command {
  return addLaunchShapeOptions(new Command('compile')
    .description('Compile a workflow (.star, .yaml, .json, .workflow.js/.ts) to canonical IR')
    .argument('<file>', 'workflow file')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'yaml']).default('json'))
    .option('--hashes', 'print the spec hash, then "<leaf id> <input hash>" per leaf (dependencies unresolved)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ whaleflow compile workflows/rlm_cache_change.star\n  $ whaleflow compile review.yaml --format yaml\n  $ whaleflow compile review.json --hashes',
    ))
    .action(async (file: string, options: { format: 'json' | 'yaml'; hashes?: boolean; maxAgents?: number; maxDepth?: number }) => {
      const compiled = await compileWorkflowFile(file, { ...launchShapeFrom(options), cwd: context.cwd });
      for (const warning of compiled.warnings) context.stderr(`${escapeTerminalText(formatDiagnostic(warning))}\n`);
      const { spec } = compiled;
      if (options.hashes) {
        const lines = [specHash(spec)];
        for (const { node } of listNodes(spec)) if (node.kind === 'leaf') lines.push(`${node.spec.id} ${leafInputHash(spec, node.spec)}`);
        context.stdout(`${lines.join('\n')}\n`);
        return;
      }
      // Compact JSON on one line: for a document without extensions, CodeWhale's own bytes.
      context.stdout(options.format === 'json' ? `${toCanonicalJson(spec)}\n` : stringify(WorkflowSpecSchema.parse(spec)));
    });
}
