// Acceptance (issue 12): compaction keeps replay. A run of every example workflow in workflows/
// is recorded, the janitor compacts all of them, and each replays `identical` with zero calls.
import { cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { janitorProject, REPOSITORY_ROOT, type JanitorProject } from './testing/janitor-project.js';

/** How each example runs offline (its fixture, the scripted model where it needs one). */
const EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  'review_fanout.yaml': [],
  'docs_refresh.workflow.js': [],
  'rlm_cache_change.star': ['--fixtures', 'workflows/rlm_cache_change.fixtures.yaml'],
  'build_log_question.star': ['--provider', 'mock-model', '--fixtures', 'workflows/build_log_question.fixtures.yaml'],
};

function exampleWorkflows(): string[] {
  return readdirSync(join(REPOSITORY_ROOT, 'workflows')).filter((name) => !name.includes('.fixtures.') && !name.startsWith('.'));
}

describe('compaction keeps replay: every example workflow, compacted, replays identical with zero calls', () => {
  let project: JanitorProject;
  const runs = new Map<string, string>();

  beforeAll(async () => {
    project = janitorProject('  compaction: { enabled: true, after_days: 0, blob_threshold_bytes: 64 }\n', { memory: true });
    for (const directory of ['workflows', 'scripts']) cpSync(join(REPOSITORY_ROOT, directory), join(project.root, directory), { recursive: true });
    for (const name of exampleWorkflows()) {
      const result = await project.cli(['run', `workflows/${name}`, '--json', ...(EXAMPLES[name] ?? [])]);
      expect(result.stdout, `${name}: ${result.stderr}`).toContain('"run_id"');
      runs.set(name, (JSON.parse(result.stdout) as { run_id: string }).run_id);
    }
  }, 600_000);
  afterAll(() => project?.remove());

  it('knows how to run every example (a new one must be added here)', () => {
    expect(exampleWorkflows().sort()).toEqual(Object.keys(EXAMPLES).sort());
  });

  it('compacts every run and each one replays identical, ran 0 live', async () => {
    const applied = await project.cli(['janitor', '--apply', '--json']);
    expect(applied.exitCode, applied.stderr).toBe(0);
    const outcome = JSON.parse(applied.stdout) as { rows: { what: string; count: number; bytes: number }[]; plan: { runs: { compact: { runId: string }[] } } };
    const compacted = new Set(outcome.plan.runs.compact.map((run) => run.runId));
    for (const [name, runId] of runs) {
      expect(compacted.has(runId), `${name} was compacted`).toBe(true);
      const replay = await project.cli(['replay', runId]);
      expect(replay.stdout, `${name}: ${replay.stderr}`).toContain('ran 0 live');
      expect(replay.stdout, name).toContain('parity: identical');
      expect(replay.exitCode, name).toBe(0);
    }
    expect(outcome.rows.find((row) => row.what === 'runs compacted')!.bytes).toBeGreaterThan(0);
  }, 600_000);
});
