// The learning loop on a small task set (docs/learning.md, "The learning benchmark"): 16 tiny
// TypeScript modules in a fresh git repository, each a task "make src/NAME.ts follow the
// repository conventions" checked by `node check.mjs NAME` (modules use named exports, never a
// default export). Round 0 runs 12 held-out tasks with an empty overlay; then one evidence task
// (a quick try fails its test, a careful one passes) and 3 validation tasks are run and
// `whaleflow learn` proposes, replays and gates; round 1 runs the same 12 held-out tasks with the
// overlay. It also measures what validating cost: the tokens the student replays paid against a
// full live re-run, with the promoted overlay, of the tasks they replayed (measured in the same run).
//
// The scripted mock model writes the right module at once when its system prompt carries a lesson
// about named exports, and needs a second try without: its reaction to lessons is scripted, so this
// proves the mechanism (proposal, cheap replay, gate, application, recording), not an effect size.
// With a real model: WHALEFLOW_BENCH_LEARNING_CONFIG=path/to/whaleflow.config.yaml (roles routed to
// your provider, learning and overlay enabled) runs the same rounds with `--provider config`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const { runCliInMemory } = await import(join(root, 'dist/cli/run-cli-in-memory.js'));
const { runFigures } = await import(join(root, 'dist/learning/index.js'));
const { SqliteTraceStore } = await import(join(root, 'dist/trace/index.js'));
const { CHECK_SCRIPT, badModule, conventionScript, evidenceWorkflow, taskWorkflow, LEARNING_CONFIG } = await import(join(root, 'dist/learning/testing/convention-tasks.js'));

const EVIDENCE = 'greet';
const VALIDATION = ['alpha', 'beta', 'gamma'];
const HELD_OUT = ['delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa', 'lambda', 'mu', 'nu', 'xi', 'omicron'];

function setUpRepository() {
  const directory = mkdtempSync(join(tmpdir(), 'whaleflow-learning-bench-'));
  const realConfig = process.env.WHALEFLOW_BENCH_LEARNING_CONFIG;
  const files = {
    'check.mjs': CHECK_SCRIPT,
    'whaleflow.config.yaml': realConfig ? readFileSync(realConfig, 'utf8') : LEARNING_CONFIG,
    'mock.json': JSON.stringify(conventionScript([...VALIDATION, ...HELD_OUT], EVIDENCE)),
    [`fix-${EVIDENCE}.yaml`]: evidenceWorkflow(EVIDENCE),
  };
  for (const name of [EVIDENCE, ...VALIDATION, ...HELD_OUT]) {
    files[`src/${name}.ts`] = badModule(name);
    files[`task-${name}.yaml`] = taskWorkflow(name);
  }
  for (const [name, content] of Object.entries(files)) {
    execFileSync('mkdir', ['-p', join(directory, name, '..')]);
    writeFileSync(join(directory, name), content);
  }
  const git = (...args) => execFileSync('git', args, { cwd: directory, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.invalid', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.invalid' } });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'tasks');
  return { directory, git, real: Boolean(realConfig) };
}

export async function run() {
  const repository = setUpRepository();
  const env = { PATH: process.env.PATH, HOME: repository.directory, XDG_CONFIG_HOME: join(repository.directory, '.config'), WHALEFLOW_HOME: '' };
  const providerArgs = repository.real ? ['--provider', 'config'] : ['--provider', 'mock-model', '--fixtures', 'mock.json'];
  const cli = (...args) => runCliInMemory(args, { cwd: repository.directory, env });
  const figuresOf = (runIds) => {
    const trace = new SqliteTraceStore(join(repository.directory, '.whaleflow', 'whaleflow.db'));
    try {
      return runIds.map((runId) => runFigures(trace, runId));
    } finally {
      trace.close();
    }
  };
  /** Runs tasks one after another from the committed tree (each task's edits are its own). */
  const runTasks = async (files) => {
    const ids = [];
    for (const file of files) {
      const result = await cli('run', file, ...providerArgs, '--allow-write-tree', '--json');
      repository.git('checkout', '--', 'src');
      ids.push(JSON.parse(result.stdout).run_id);
    }
    return ids;
  };
  const total = (figures, pick) => figures.reduce((sum, entry) => sum + (pick(entry) ?? 0), 0);
  const summary = (figures) => ({
    success: figures.filter((entry) => entry.succeeded).length,
    tokens: total(figures, (entry) => entry.workTokens),
    costMicrousd: total(figures, (entry) => entry.costMicrousd),
    steps: total(figures, (entry) => entry.steps),
  });

  try {
    const heldOutFiles = HELD_OUT.map((name) => `task-${name}.yaml`);
    const round0 = summary(figuresOf(await runTasks(heldOutFiles)));

    const validationRuns = await runTasks(VALIDATION.map((name) => `task-${name}.yaml`));
    const [evidenceRun] = await runTasks([`fix-${EVIDENCE}.yaml`]);
    const learned = await cli('learn', '--run', evidenceRun, '--runs', ...validationRuns, ...providerArgs, '--json');
    if (learned.exitCode !== 0) throw new Error(`whaleflow learn failed: ${learned.stderr}`);
    const { proposed, gates } = JSON.parse(learned.stdout);
    const replays = gates.flatMap((gate) => [...gate.replays.screen, ...gate.replays.validate].map((replay) => ({ ...replay, lesson: gate.lesson, verdict: gate.verdict })));
    const applied = replays.filter((replay) => replay.applied);
    const paidTokens = total(applied, (replay) => replay.replay.paidTokens);
    const paidCalls = total(applied, (replay) => replay.replay.providerCalls + replay.replay.rebaseProviderCalls);
    const live = total(applied, (replay) => replay.replay.live);
    const served = total(applied, (replay) => replay.replay.served);

    // The same-run baseline for validation cost: re-run, fully live with the overlay, every task the
    // student replays replayed (one run per replay, as a validation without the trace would).
    const rerunFiles = applied.map((replay) => replay.task.sourceFile);
    const rerun = summary(figuresOf(await runTasks(rerunFiles)));

    const round1 = summary(figuresOf(await runTasks(heldOutFiles)));
    const promoted = gates.filter((gate) => gate.verdict === 'promoted').map((gate) => gate.kind);
    const ratio = (part, whole) => (whole > 0 ? part / whole : null);
    const model = repository.real ? 'configured provider' : 'scripted mock (mechanism, not effect size)';
    const costNote = repository.real ? undefined : 'the mock model is free; cost is priced with a configured provider';
    const tasks = HELD_OUT.length;
    const rows = [
      { bench: 'learning', metric: 'round 0 (no overlay): held-out tasks succeeded', value: round0.success, unit: `of ${tasks}`, note: model },
      { bench: 'learning', metric: 'round 0: tokens per task', value: round0.tokens / tasks, unit: 'tokens' },
      { bench: 'learning', metric: 'round 0: cost per task', value: round0.costMicrousd / tasks, unit: 'µ$', note: costNote },
      { bench: 'learning', metric: 'round 0: steps per task', value: round0.steps / tasks, unit: 'steps' },
      { bench: 'learning', metric: 'learn: lessons proposed / promoted', value: proposed.lessons.length, unit: 'lessons', note: `promoted: ${promoted.join(', ') || 'none'}; ${gates.map((gate) => `${gate.kind} ${gate.verdict}`).join(', ')}` },
      { bench: 'learning', metric: 'round 1 (overlay): held-out tasks succeeded', value: round1.success, unit: `of ${tasks}` },
      { bench: 'learning', metric: 'round 1: tokens per task', value: round1.tokens / tasks, unit: 'tokens' },
      { bench: 'learning', metric: 'round 1: cost per task', value: round1.costMicrousd / tasks, unit: 'µ$', note: costNote },
      { bench: 'learning', metric: 'round 1: steps per task', value: round1.steps / tasks, unit: 'steps' },
      { bench: 'learning', metric: 'round 1 / round 0 tokens', value: ratio(round1.tokens, round0.tokens), unit: 'ratio' },
      { bench: 'learning', metric: 'round 1 / round 0 steps', value: ratio(round1.steps, round0.steps), unit: 'ratio' },
      { bench: 'learning', metric: 'student replays (tasks the lessons applied to)', value: applied.length, unit: 'replays', note: `${live} effects live, ${served} served from baselines, ${paidCalls} model calls paid` },
      { bench: 'learning', metric: 'student replay tokens paid', value: paidTokens, unit: 'tokens' },
      { bench: 'learning', metric: 'full live re-run of the same tasks', value: rerun.tokens, unit: 'tokens', note: 'same run, with the overlay' },
      { bench: 'learning', metric: 'student replay / full re-run tokens', value: ratio(paidTokens, rerun.tokens), unit: 'ratio', target: '< 1' },
      { bench: 'learning', metric: 'student replay effects live / all effects', value: ratio(live, live + served), unit: 'ratio' },
    ];
    return rows;
  } finally {
    rmSync(repository.directory, { recursive: true, force: true });
  }
}
