import { Command, Option } from 'commander';
import { baselinesForTasks, openExistingLearningStore, pickHeldOut, policyViolationsOf, proposeLessons, readTasksFile, replayLessonOnTask, runGate, type GateOutcome, type LearningRuntime, type LessonStatus, LESSON_STATUSES } from '../../learning/index.js';
import { resolveRunReference } from '../../runs/index.js';
import { terminalSafeJson, WhaleflowError } from '../../util/index.js';
import type { CliContext } from '../cli-context.js';
import { terminalSafeContext } from '../learn/terminal-safe-context.js';
import { ExitCode } from '../exit-codes.js';
import { formatGate, formatLesson, formatLessonList, formatProposals, formatReplay } from '../learn/format-learning.js';
import { openLearningRuntime } from '../learn/open-learning-runtime.js';
import { RUN_PROVIDERS, type RunProvider } from '../run/index.js';

interface LearnOptions {
  provider: RunProvider;
  fixtures?: string;
  db?: string;
  json?: boolean;
}

interface TaskOptions extends LearnOptions {
  runs?: string[];
  tasks?: string;
  promote?: boolean;
}

const providerOption = (): Option =>
  new Option('--provider <name>', 'where the teacher and the student replay\'s live work go: mock (offline), mock-model (real leaves, mock model) or config').choices(RUN_PROVIDERS).default('mock-model');
const fixturesOption = ['--fixtures <file>', 'YAML fixture scripting the mock (its model: section scripts the teacher and the student under mock-model)'] as const;
const dbOption = ['--db <file>', 'project database (default: .whaleflow/whaleflow.db, or $WHALEFLOW_HOME)'] as const;

export function learnCommand(outerContext: CliContext): Command {
  const context = terminalSafeContext(outerContext);
  const learn = new Command('learn')
    // The one-command path's options sit on `learn` itself; subcommands have their own of the same names.
    .enablePositionalOptions()
    .description('The learning loop: propose lessons from a run, validate them by student replay, promote what the gate finds helps (learning.enabled)')
    .option('--run <run>', 'the run to learn from (default: the last live run)')
    .option('--runs <runs...>', 'held-out runs the gate validates on (default: recent runs of other workflows)')
    .option('--tasks <file>', 'held-out tasks: a YAML/JSON file listing workflow files ({tasks: [...]})')
    .addOption(providerOption())
    .option(...fixturesOption)
    .option(...dbOption)
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ whaleflow learn                      # propose → replay → gate for the last run\n  $ whaleflow learn --run 3f2a --tasks tasks.yaml\n  $ whaleflow learn propose last\n  $ whaleflow learn replay 1a2b3c --runs 77aa 88bb 99cc\n  $ whaleflow learn gate 1a2b3c\n  $ whaleflow learn ls',
    )
    .action(async (options: TaskOptions & { run?: string }) => {
      await withRuntime(context, options, async (runtime) => {
        const run = resolveLearnableRun(runtime, options.run ?? 'last');
        const proposed = await proposeLessons(runtime, [run]);
        const heldOut = await heldOutRuns(runtime, options);
        const gates: GateOutcome[] = [];
        for (const { lesson } of proposed.lessons) {
          const status = runtime.store.lessons.status(lesson.id);
          if (status === 'promoted' || status === 'rejected') continue;
          gates.push(await runGate(runtime, { lesson, ...(heldOut ? { heldOutRuns: heldOut } : {}) }));
        }
        if (options.json) context.stdout(`${terminalSafeJson({ proposed, gates: gates.map(gateJson) }, 2)}\n`);
        else context.stdout(`${formatProposals(proposed)}\n${gates.map(formatGate).join('\n') || 'nothing to gate (every proposal was known and decided)\n'}`);
        context.exitCode = proposed.teacher.error ? ExitCode.failure : ExitCode.ok;
      });
    });

  learn
    .command('propose')
    .description('TeacherReview: read the evidence of finished runs and record proposed lessons (nothing is applied)')
    .argument('<runs...>', 'run ids, unique prefixes, or "last"')
    .addOption(providerOption())
    .option(...fixturesOption)
    .option(...dbOption)
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  $ whaleflow learn propose last\n  $ whaleflow learn propose 3f2a 77aa --provider config')
    .action(async (runs: string[], options: LearnOptions) => {
      await withRuntime(context, options, async (runtime) => {
        const outcome = await proposeLessons(runtime, runs.map((reference) => resolveLearnableRun(runtime, reference)));
        context.stdout(options.json ? `${terminalSafeJson(outcome, 2)}\n` : formatProposals(outcome));
        context.exitCode = outcome.teacher.error ? ExitCode.failure : ExitCode.ok;
      });
    });

  learn
    .command('replay')
    .description('StudentReplay: re-execute recorded runs with the current overlay plus the lesson, paying only for what it changes')
    .argument('<lesson>', 'lesson id or unique prefix')
    .option('--runs <runs...>', 'runs to replay (default: its evidence runs and held-out runs the gate would pick)')
    .option('--tasks <file>', 'a YAML/JSON file listing workflow files; each gets a baseline run if it has none')
    .addOption(providerOption())
    .option(...fixturesOption)
    .option(...dbOption)
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  $ whaleflow learn replay 1a2b3c\n  $ whaleflow learn replay 1a2b3c --runs 77aa 88bb 99cc --json\n  $ whaleflow learn replay 1a2b3c --tasks tasks.yaml')
    .action(async (reference: string, options: TaskOptions) => {
      await withRuntime(context, options, async (runtime) => {
        const lesson = runtime.store.lessons.resolve(reference);
        const runs = (await heldOutRuns(runtime, options)) ?? [...lesson.provenance.runs.filter((run) => runtime.trace.getRun(run)), ...pickHeldOut(runtime, lesson, new Set(lesson.provenance.runs))];
        const head = runtime.store.overlay.head();
        const violations = policyViolationsOf(runtime, lesson);
        const replays = [];
        for (const run of runs) replays.push(await replayLessonOnTask(runtime, lesson, run, { head, violations }));
        const totals = { tasks: replays.length, modelCalls: replays.reduce((sum, replay) => sum + replay.replay.providerCalls + replay.replay.rebaseProviderCalls, 0), live: replays.reduce((sum, replay) => sum + replay.replay.live, 0), served: replays.reduce((sum, replay) => sum + replay.replay.served, 0), paidTokens: replays.reduce((sum, replay) => sum + replay.replay.paidTokens, 0) };
        if (options.json) context.stdout(`${terminalSafeJson({ lesson: lesson.id, replays, totals }, 2)}\n`);
        else context.stdout(`lesson ${lesson.id.slice(0, 12)} on ${replays.length} task(s)\n${replays.map(formatReplay).join('')}total: ${totals.live} effect(s) live, ${totals.served} served from baselines, ${totals.modelCalls} model call(s), ${totals.paidTokens} tokens paid\n`);
        context.exitCode = ExitCode.ok;
      });
    });

  learn
    .command('gate')
    .description('PromotionGate: screen on its evidence, validate on held-out tasks, log the decision and promote a lesson that passes')
    .argument('<lesson>', 'lesson id or unique prefix')
    .option('--runs <runs...>', 'held-out runs to validate on')
    .option('--tasks <file>', 'held-out tasks: a YAML/JSON file listing workflow files')
    .option('--no-promote', 'leave a lesson that passes as validated instead of admitting it to the overlay')
    .addOption(providerOption())
    .option(...fixturesOption)
    .option(...dbOption)
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  $ whaleflow learn gate 1a2b3c\n  $ whaleflow learn gate 1a2b3c --tasks held-out.yaml --json')
    .action(async (reference: string, options: TaskOptions) => {
      await withRuntime(context, options, async (runtime) => {
        const lesson = runtime.store.lessons.resolve(reference);
        const heldOut = await heldOutRuns(runtime, options);
        const outcome = await runGate(runtime, { lesson, ...(heldOut ? { heldOutRuns: heldOut } : {}), ...(options.promote === false ? { promote: false } : {}) });
        context.stdout(options.json ? `${terminalSafeJson(gateJson(outcome), 2)}\n` : formatGate(outcome));
        context.exitCode = ExitCode.ok;
      });
    });

  learn
    .command('ls')
    .description('Every lesson with its status (works with learning off, to inspect)')
    .addOption(new Option('--status <status>', 'only lessons with this status').choices(LESSON_STATUSES))
    .option(...dbOption)
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  $ whaleflow learn ls\n  $ whaleflow learn ls --status promoted --json')
    .action((options: { status?: LessonStatus; db?: string; json?: boolean }) => {
      const store = openExistingLearningStore({ cwd: context.cwd, env: context.env, ...(options.db ? { databasePath: options.db } : {}) });
      try {
        const summaries = store ? store.lessons.list(options.status ? { statuses: [options.status] } : {}) : [];
        const overlay = new Set(store?.overlay.head().lessonIds ?? []);
        context.stdout(options.json ? `${terminalSafeJson(summaries.map((summary) => ({ ...summary, inOverlay: overlay.has(summary.lesson.id) })), 2)}\n` : formatLessonList(summaries, overlay));
      } finally {
        store?.close();
      }
    });

  learn
    .command('show')
    .description('One lesson: content, scope, evidence, status history and gate decisions')
    .argument('<lesson>', 'lesson id or unique prefix')
    .option(...dbOption)
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  $ whaleflow learn show 1a2b3c')
    .action((reference: string, options: { db?: string; json?: boolean }) => {
      const store = openExistingLearningStore({ cwd: context.cwd, env: context.env, ...(options.db ? { databasePath: options.db } : {}) });
      if (!store) throw new WhaleflowError('no project database here yet (run a workflow first)');
      try {
        const lesson = store.lessons.resolve(reference);
        const history = store.lessons.history(lesson.id);
        const decisions = store.lessons.gateDecisions(lesson.id);
        const status = store.lessons.status(lesson.id);
        if (options.json) context.stdout(`${terminalSafeJson({ lesson, status, history, decisions, replays: store.lessons.replays(lesson.id) }, 2)}\n`);
        else context.stdout(formatLesson(lesson, { ...(status ? { status } : {}), history, decisions }));
      } finally {
        store.close();
      }
    });
  return learn;
}

async function withRuntime(context: CliContext, options: LearnOptions, use: (runtime: LearningRuntime) => Promise<void>): Promise<void> {
  const runtime = await openLearningRuntime({ cwd: context.cwd, env: context.env, provider: options.provider, ...(options.fixtures ? { fixturesPath: options.fixtures } : {}), ...(options.db ? { db: options.db } : {}) });
  try {
    await use(runtime);
  } finally {
    runtime.close();
  }
}

/** A finished live run (a replay or an unfinished run teaches nothing new). */
function resolveLearnableRun(runtime: LearningRuntime, reference: string): string {
  if (reference === 'last') {
    const last = runtime.trace.listRuns({ limit: 200 }).find((run) => run.mode === 'live' && run.finishedAt !== null);
    if (!last) throw new WhaleflowError('no finished live run to learn from yet (whaleflow run a workflow first)');
    return last.runId;
  }
  const run = resolveRunReference(runtime.trace, reference);
  if (run.finishedAt === null) throw new WhaleflowError(`run ${run.runId.slice(0, 8)} has not finished; learn from finished runs`);
  return run.runId;
}

async function heldOutRuns(runtime: LearningRuntime, options: TaskOptions): Promise<string[] | undefined> {
  const runs = options.runs?.map((reference) => resolveLearnableRun(runtime, reference)) ?? [];
  const tasks = options.tasks ? await baselinesForTasks(runtime, readTasksFile(runtime.cwd, options.tasks)) : [];
  return options.runs || options.tasks ? [...new Set([...runs, ...tasks])] : undefined;
}

function gateJson(outcome: GateOutcome) {
  return { lesson: outcome.lesson.id, kind: outcome.lesson.kind, title: outcome.lesson.title, verdict: outcome.verdict, screen: outcome.screen, validate: outcome.validate ?? null, overlay: { snapshotId: outcome.head.snapshotId, lessons: outcome.head.lessonIds }, replays: { screen: outcome.screenReplays, validate: outcome.validateReplays } };
}

