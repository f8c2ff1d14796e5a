import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { compileWorkflowFile } from '../../authoring/index.js';
import { executeWorkflow } from '../../engine/index.js';
import { specHash, type WorkflowSpec } from '../../ir/index.js';
import { readRecordedRun } from '../../runs/index.js';
import { TraceSink } from '../../trace/index.js';
import { WhaleflowError } from '../../util/index.js';
import { planRunOverlay } from '../apply-overlay.js';
import { overlaySettingsOf } from '../overlay-settings.js';
import type { LearningRuntime } from './learning-runtime.js';
import { baseSpecOf } from './student-replay.js';

const TasksFileSchema = z
  .object({
    tasks: z
      .array(z.union([z.string().min(1), z.object({ workflow: z.string().min(1) }).strict()]))
      .min(1)
      .max(500),
  })
  .strict();

/** A task file could not be read or does not have the documented shape. */
export class TasksFileError extends WhaleflowError {
  override readonly name = 'TasksFileError';
}

/**
 * Reads a tasks file (YAML or JSON): `tasks:` is a list of workflow files (a string, or
 * `{workflow: FILE}`), relative to the file's directory.
 */
export function readTasksFile(cwd: string, file: string): string[] {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new TasksFileError(`cannot read tasks file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = YAML.parse(text);
  } catch (error) {
    throw new TasksFileError(`${path}: not YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = TasksFileSchema.safeParse(raw);
  if (!parsed.success) throw new TasksFileError(`${path}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`).join('; ')} — expected {tasks: [workflow files]}`);
  const base = resolve(path, '..');
  return parsed.data.tasks.map((task) => resolve(base, typeof task === 'string' ? task : task.workflow));
}

/**
 * A baseline run for each task file: the most recent finished live run of exactly that workflow
 * in the trace, else a new run of it now (under the current overlay, in a scratch checkout),
 * recorded like any run. Returns run ids in task order.
 */
export async function baselinesForTasks(runtime: LearningRuntime, files: readonly string[]): Promise<string[]> {
  const runIds: string[] = [];
  for (const file of files) {
    const { spec } = await compileWorkflowFile(file);
    runIds.push(findBaseline(runtime, spec) ?? (await runTaskBaseline(runtime, spec, file)));
  }
  return runIds;
}

function findBaseline(runtime: LearningRuntime, spec: WorkflowSpec): string | undefined {
  const wanted = specHash(spec);
  for (const run of runtime.trace.listRuns({ limit: 1_000 })) {
    if (run.mode !== 'live' || run.finishedAt === null) continue;
    if (run.specHash === wanted) return run.runId;
    try {
      if (specHash(baseSpecOf(readRecordedRun(runtime.trace, run.runId))) === wanted) return run.runId;
    } catch {
      // An unreadable run is no baseline.
    }
  }
  return undefined;
}

async function runTaskBaseline(runtime: LearningRuntime, spec: WorkflowSpec, file: string): Promise<string> {
  const head = runtime.store.overlay.head();
  const lessons = head.enabled ? head.lessonIds.flatMap((id) => runtime.store.lessons.getEffective(id) ?? []) : [];
  const plan = planRunOverlay({ spec, snapshotId: head.snapshotId, lessons, repository: runtime.repository, settings: overlaySettingsOf(runtime.config) });
  const runId = runtime.environment.newId();
  const workspace = await runtime.openWorkspace(runId);
  const sink = new TraceSink(runtime.trace);
  const ports = await runtime.openPorts({ workspace: workspace.path, runId });
  try {
    await executeWorkflow({
      spec: plan.spec,
      runId,
      label: `learning task ${file}`,
      sink,
      leafRunner: ports.leafRunner,
      gateway: ports.gateway,
      environment: runtime.environment,
      grant: runtime.grant,
      sourceFile: file,
      overlay: plan.overlay,
    });
    return runId;
  } finally {
    sink.close();
    await ports.close();
    await workspace.release();
  }
}
