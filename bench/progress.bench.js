// Plain (non-TTY) progress of `whaleflow run`: one line per finished leaf must cost O(1), so a
// wide run's progress costs about what folding its events costs. Rows:
//  - the progress sink fed a wide run's events (20,000 and 100,000 leaves), next to folding the
//    same events alone (the same-run baseline; the ratio is what to read on a shared machine);
//  - the per-leaf full overview the progress used to build (20,000 leaves), for reference;
//  - a whole `whaleflow run` of a 20,000-leaf workflow with stdout piped (plain progress) next
//    to the same run with --json (no progress).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunProgress } from '../dist/cli/progress/index.js';
import { RunOverviewFold } from '../dist/runs/index.js';
import { wideRunEvents } from '../dist/tui/testing/wide-run-events.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function time(work) {
  const start = performance.now();
  work();
  return performance.now() - start;
}

function best(repeats, work) {
  return Math.min(...Array.from({ length: repeats }, () => time(work)));
}

function feedProgress(events) {
  let lines = 0;
  const progress = new RunProgress('bench', { write: () => void (lines += 1), isTty: false });
  for (const event of events) progress.emit(event);
  return lines;
}

function feedFold(events) {
  const fold = new RunOverviewFold('bench');
  for (const event of events) fold.apply(event);
}

/** What plain progress did before: a whole overview (a walk of every node) per finished leaf. */
function feedFoldWithOverviewPerLeaf(events) {
  const fold = new RunOverviewFold('bench');
  for (const event of events) {
    fold.apply(event);
    if (event.type === 'node_finished' && event.kind === 'leaf') fold.overview({ now: event.at, isPidAlive: () => true });
  }
}

function wideWorkflowFile(directory, leafCount) {
  const leaves = Array.from({ length: leafCount }, (_, index) => ({ kind: 'leaf', spec: { id: `leaf-${index}`, prompt: `part ${index}` } }));
  const file = join(directory, 'wide.json');
  writeFileSync(file, JSON.stringify({ id: 'wide', goal: 'a wide run', nodes: [{ kind: 'branch_set', spec: { id: 'fan', parallel: true, children: leaves } }] }));
  return file;
}

function wholeRun(directory, file, leafCount, extra) {
  return time(() =>
    execFileSync(process.execPath, [join(root, 'bin/whaleflow.js'), 'run', file, '--max-agents', String(leafCount + 1), ...extra], {
      cwd: directory,
      env: { ...process.env, WHALEFLOW_HOME: '' },
      stdio: ['ignore', 'ignore', 'inherit'],
      maxBuffer: 1 << 30,
    }),
  );
}

export async function run() {
  const rows = [];
  for (const leafCount of [20_000, 100_000]) {
    const events = wideRunEvents({ runId: 'bench', leafCount, leavesPerBranch: leafCount });
    const fold = best(3, () => feedFold(events));
    const progress = best(3, () => feedProgress(events));
    rows.push({ bench: 'progress', metric: `plain progress, ${leafCount} leaves`, value: progress, unit: 'ms', note: `fold alone ${fold.toFixed(0)} ms; ratio ${(progress / fold).toFixed(2)}` });
  }
  const events = wideRunEvents({ runId: 'bench', leafCount: 20_000, leavesPerBranch: 20_000 });
  rows.push({ bench: 'progress', metric: 'overview per finished leaf (the old way), 20000 leaves', value: best(1, () => feedFoldWithOverviewPerLeaf(events)), unit: 'ms', note: 'reference: what plain progress cost before' });

  const directory = mkdtempSync(join(tmpdir(), 'whaleflow-progress-bench-'));
  try {
    const file = wideWorkflowFile(directory, 20_000);
    const withoutProgress = wholeRun(directory, file, 20_000, ['--json']);
    const plain = wholeRun(directory, file, 20_000, []);
    rows.push({ bench: 'progress', metric: 'whaleflow run, 20000 leaves, stdout piped', value: plain, unit: 'ms', note: `--json (no progress) ${withoutProgress.toFixed(0)} ms; ratio ${(plain / withoutProgress).toFixed(2)}` });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  return rows;
}
