import { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { compileWorkflowFile } from '../../authoring/index.js';
import { systemEnvironment } from '../../engine/index.js';
import { createMockLivePorts, readRecordedRun, resolveRunReference, resumeRun } from '../../runs/index.js';
import { openProjectTrace, TraceSink } from '../../trace/index.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import { addLaunchShapeOptions, launchShapeFrom } from '../options/launch-shape-options.js';

interface ResumeOptions {
  file?: string;
  fixture?: string;
  maxConcurrent?: string;
  db?: string;
  json?: boolean;
  maxAgents?: number;
  maxDepth?: number;
}

export function resumeCommand(context: CliContext): Command {
  return addLaunchShapeOptions(new Command('resume')
    .description('Continue an interrupted (crashed or cancelled) run: finished effects are served from the trace, the rest runs live')
    .argument('<run>', 'run id, unique prefix of one, or "last"')
    .option('--file <workflow>', 'continue with an edited workflow; leaves whose input hash is unchanged are reused')
    .option('--fixture <file>', 'mock fixture for the effects that run live')
    .option('--max-concurrent <n>', 'leaves running at once')
    .option('--json', 'print the outcome as JSON')
    .option('--db <file>', 'trace database (default: .whaleflow/whaleflow.db, or $WHALEFLOW_HOME)')
    .addHelpText('after', '\nExamples:\n  $ whaleflow resume last\n  $ whaleflow resume 3f2a --file workflows/fixed.yaml'))
    .action(async (reference: string, options: ResumeOptions) => {
      const store = openProjectTrace({ cwd: context.cwd, env: context.env, databasePath: options.db, mustExist: true });
      try {
        const recorded = readRecordedRun(store, resolveRunReference(store, reference).runId);
        const launchShape = launchShapeFrom(options);
        const compiled = options.file ? await compileWorkflowFile(resolve(context.cwd, options.file), launchShape) : undefined;
        const environment = systemEnvironment();
        const ports = await createMockLivePorts(environment, { cwd: context.cwd, fixturePath: options.fixture });
        const sink = new TraceSink(store);
        const runId = randomUUID();
        const maxConcurrentLeaves = options.maxConcurrent ? Number(options.maxConcurrent) : undefined;
        try {
          const outcome = await resumeRun({
            store,
            recorded,
            runId,
            sink,
            ...ports,
            environment,
            ...(compiled ? { spec: compiled.spec, sourceFile: options.file, validation: launchShape } : {}),
            ...(maxConcurrentLeaves ? { limits: { maxConcurrentLeaves } } : {}),
          });
          sink.close();
          if (options.json) context.stdout(`${JSON.stringify(outcome, null, 2)}\n`);
          else {
            context.stdout(`resumed ${recorded.runId} as ${runId}: ${outcome.result.status}\n`);
            context.stdout(`served ${outcome.servedFromTrace} finished effects from the trace, ran ${outcome.ranLive} live\n`);
          }
          context.exitCode = outcome.result.status === 'succeeded' ? ExitCode.ok : ExitCode.failure;
        } finally {
          sink.close();
        }
      } finally {
        store.close();
      }
    });
}
