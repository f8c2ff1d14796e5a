import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { compileWorkflowFile, type CompiledWorkflow } from '../../authoring/index.js';
import {
  estimateRun,
  executeWorkflow,
  FanOutEventSink,
  PermissionRefusedError,
  preflightPermissions,
  ResultJsonTexts,
  systemEnvironment,
  type EngineEnvironment,
  type PermissionGrant,
  type PermissionPreflight,
} from '../../engine/index.js';
import type { WorkflowSpec } from '../../ir/index.js';
import { escapeTerminalLine, escapeTerminalText, formatDiagnostic, terminalSafeJson, terminalSafeJsonPieces, type KnownArrayJson } from '../../util/index.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import { addLaunchShapeOptions, allowCommandOption, fixturesOption, grantFromOptions, launchShapeFrom, nonEmptyText, positiveInteger, usDollars, type GrantOptions } from '../options/index.js';
import { formatOverviewCost as formatUsd } from '../../runs/index.js';
import { RunProgress } from '../progress/index.js';
import type { SandboxMode } from '../../leaves/index.js';
import { CollectAtRunEdges, inlineIfWide, keepYoungGenerationSmall, startTraceWriterThread, WIDE_RUN_LEAVES, listenForStopSignals, sandboxPreflight, composeRun, credentialRefusal, formatPreflight, formatQueueSummary, formatRunSummary, formatTraceFailure, RUN_PROVIDERS, type ComposedRun, type RunProvider } from '../run/index.js';
import { openProjectRecorder, openProjectTrace, type ProjectRecorder, type TraceWriterThread } from '../../trace/index.js';
import { backgroundRunArguments, startBackgroundRun, superviseRun } from '../../runs/index.js';
import { loadConfig } from '../../config/index.js';
import { proposeAfterReview } from '../learn/propose-after-review.js';
import type { PreparedRunOverlay } from '../../learning/index.js';
import { RunTiming } from '../run/run-timing.js';

interface RunOptions extends GrantOptions {
  provider: RunProvider;
  fixtures?: string;
  maxConcurrency?: number;
  maxCost?: number;
  json?: boolean;
  pretty?: boolean;
  label?: string;
  runId?: string;
  maxAgents?: number;
  maxDepth?: number;
  background?: boolean;
  keepWorktrees?: boolean;
  queue?: string;
  /** false with --no-overlay. */
  overlay?: boolean;
  /** false with --no-sandbox. */
  sandbox?: boolean;
}

export function runCommand(context: CliContext): Command {
  return addLaunchShapeOptions(
    new Command('run')
      .description('Run a workflow: pre-flight (what it writes, runs and may cost), live progress, a summary')
      .argument('<file>', 'workflow file (.star, .yaml, .json, .workflow.js/.ts)')
      .addOption(new Option('--provider <name>', 'where effects go: mock (offline, deterministic), mock-model (real leaves, mock model) or config').choices(RUN_PROVIDERS).default('mock'))
      .addOption(fixturesOption(context, 'YAML fixture scripting the mock provider (outputs, latency, failures, judge answers…) or, under mock-model, the mock model (its `model:` section)'))
      .option('--keep-worktrees', "keep each worktree leaf's git worktree after it finishes (for debugging; real leaves only)")
      .option('--queue <url>', 'run the leaves on `whaleflow worker` processes through BullMQ on this Redis (redis://HOST:PORT); default: the configuration\'s queue: section, else in this process')
      .addOption(new Option('--max-concurrency <n>', 'leaves running at once (default 16)').argParser(positiveInteger))
      .addOption(new Option('--max-cost <usd>', 'refuse to start when the pre-flight estimate is above this').argParser(usDollars))
      .option('--read-only', 'no leaf may write files (refuses workflows that would)')
      .option('--allow-network', 'leaves that declare network access may use it')
      .option('--allow-write-tree', 'writers not in parallel branches may write the working tree (default: only isolated worktrees)')
      .addOption(allowCommandOption())
      .option('--no-sandbox', 'run leaf commands unconfined (default: a bubblewrap sandbox; without bwrap, commands are refused unless this is given)')
      .option('--json', 'print the result as JSON on stdout, one line, with `timing` (pre-flight and progress go to stderr)')
      .option('--pretty', 'with --json: indent the JSON for reading')
      .option('--label <text>', 'a label for the run')
      .addOption(new Option('--run-id <id>', 'use this run id (for background runs)').argParser(nonEmptyText).hideHelp())
      .option('--background', 'run in a detached process that survives this terminal; prints the run id (watch: whaleflow ps / tui)')
      .option('--no-overlay', "don't apply the repository's overlay of promoted lessons to this run (when overlay.enabled is on)")
      .addHelpText(
        'after',
        '\nExamples:\n  $ whaleflow run workflows/rlm_cache_change.star\n  $ whaleflow run plan.yaml --fixtures plan.fixtures.yaml --max-concurrency 4\n  $ whaleflow run big.json --max-cost 5 --read-only\n  $ whaleflow run workflows/review_fanout.yaml --queue redis://127.0.0.1:6379\n\nExit status: 0 the run succeeded, 1 it did not (or was refused), 130 interrupted (Ctrl-C; 143 SIGTERM, 129 SIGHUP).',
      ),
  ).action(async (file: string, options: RunOptions, command: Command) => {
    // Workflow mode: --background compiles here (errors show at once), then hands the run to a detached child.
    if (options.background) {
      // commander keeps the arguments it parsed as `rawArgs` (untyped): the child gets the same ones.
      const rawArgs = (command.parent as { rawArgs?: string[] } | null)?.rawArgs ?? process.argv.slice(2);
      context.exitCode = await startInBackground(context, file, options, rawArgs);
      return;
    }
    context.exitCode = await runWorkflowFile(context, file, options);
    await afterRun(context, options);
  });
}

/** `janitor.auto` (off by default): a janitor pass after the run; it never changes the run's exit status. */
async function afterRun(context: CliContext, options: RunOptions): Promise<void> {
  const config = loadConfig({ cwd: context.cwd, env: context.env });
  if (!config.janitor.auto) return;
  const { autoJanitorPass, formatBytes, repositoryRootOf } = await import('../../janitor/index.js');
  const say = options.json ? context.stderr : context.stdout;
  let trace: ReturnType<typeof openProjectTrace> | undefined;
  try {
    trace = openProjectTrace({ cwd: context.cwd, env: context.env, mustExist: true });
    const runId = trace.listRuns({ limit: 1 })[0]?.runId;
    const outcome = await autoJanitorPass({ trace, config, repositoryRoot: await repositoryRootOf(context.cwd), now: Date.now(), ...(runId ? { runId } : {}) });
    if (outcome.kind === 'applied') {
      const done = outcome.outcome.rows.filter((row) => row.count > 0).map((row) => `${row.what} ${row.count}`);
      say(`janitor (auto): pass ${outcome.outcome.passId}${done.length > 0 ? `: ${done.join(', ')}` : ': nothing to do'}; file ${formatBytes(outcome.outcome.fileBytesBefore)} → ${formatBytes(outcome.outcome.fileBytesAfter)}\n`);
    } else if (outcome.kind === 'busy' || outcome.kind === 'failed') context.stderr(`whaleflow: janitor (auto) skipped: ${escapeTerminalText(outcome.reason)}\n`);
  } catch (error) {
    context.stderr(`whaleflow: janitor (auto) skipped: ${escapeTerminalText(error instanceof Error ? error.message : String(error))}\n`);
  } finally {
    trace?.close();
  }
}

async function runWorkflowFile(context: CliContext, file: string, options: RunOptions): Promise<number> {
  const timing = new RunTiming();
  // The trace writer's thread starts loading now, on the other core, while this one compiles;
  // it opens the database only if the run starts. Its heap is made for a run of fewer than
  // WIDE_RUN_LEAVES leaves; a wider one, known once compiled, gets a thread of its own.
  let writerThread = startTraceWriterThread({ wide: false });
  try {
    // Only what the run needs of the compile result: its source (the parsed document, kept to
    // place diagnostics) would otherwise live in this frame to the run's end, ~17 MB at 100,000 leaves.
    const { spec: compiledSpec, warnings, origin } = await compileWorkflowFile(resolve(context.cwd, file), launchShapeFrom(options));
    keepYoungGenerationSmall(); // again: Node reports the writer thread's heap a moment before V8 makes it
    for (const warning of warnings) context.stderr(`${escapeTerminalText(formatDiagnostic(warning))}\n`);
    const prepared = await prepareOverlay(context, options, compiledSpec);
    for (const warning of prepared.warnings) context.stderr(`whaleflow: warning: ${escapeTerminalText(warning)}\n`);
    timing.lap('compile_ms');
    if (estimateRun(prepared.spec).leaves >= WIDE_RUN_LEAVES) {
      writerThread.discard();
      writerThread = startTraceWriterThread({ wide: true });
    }
    return await composeAndRun(context, file, options, timing, writerThread, { spec: prepared.spec, origin, overlay: prepared });
  } finally {
    writerThread.discard(); // the run did not start (or its sink has already closed the thread)
  }
}

async function composeAndRun(context: CliContext, file: string, options: RunOptions, timing: RunTiming, writerThread: TraceWriterThread, compiled: { readonly spec: WorkflowSpec; readonly origin: CompiledWorkflow['origin']; readonly overlay: PreparedRunOverlay }): Promise<number> {
  const { spec, origin, overlay: prepared } = compiled;
  // Human-readable output goes to stderr when stdout carries JSON.
  const say = options.json ? context.stderr : context.stdout;

  const environment = systemEnvironment();
  const runId = options.runId ?? randomUUID();
  // With --json, stdout is the result alone and no progress is shown.
  const progress = options.json ? undefined : new RunProgress(runId, { write: context.stdout, isTty: context.isTty }, { now: environment.now });
  const composed = await composeRun({
    cwd: context.cwd,
    env: context.env,
    provider: options.provider,
    fixturesPath: options.fixtures,
    keepWorktrees: options.keepWorktrees,
    sandbox: sandboxModeOf(options),
    environment,
    runId,
    observers: [], // progress hears events once recorded (see openProjectRecorder below)
    ...(options.queue ? { queueUrl: options.queue } : {}),
  });
  try {
    const grant = grantFromOptions(options, origin === 'generated-plan');
    return await preflightAndRun(context, { file, options, spec, grant, runId, environment, composed, progress, say, overlay: prepared, timing, writerThread });
  } finally {
    await composed.close(); // the memo's database connection, the queue
  }
}

/**
 * The overlay of promoted lessons is an input of the run (recorded in run_started): nothing at
 * all unless overlay.enabled, as prepareRunOverlay itself answers then, so the learning modules
 * (their schemas are built as they load) load only for a run that has an overlay.
 */
async function prepareOverlay(context: CliContext, options: RunOptions, spec: WorkflowSpec): Promise<PreparedRunOverlay> {
  const config = loadConfig({ cwd: context.cwd, env: context.env });
  if (!config.overlay.enabled || options.overlay === false) return { spec, warnings: [] };
  const { prepareRunOverlay } = await import('../../learning/index.js');
  return prepareRunOverlay({ cwd: context.cwd, env: context.env, config, spec });
}

interface PreparedRun {
  readonly file: string;
  readonly options: RunOptions;
  readonly spec: WorkflowSpec;
  readonly grant: PermissionGrant;
  readonly runId: string;
  readonly environment: EngineEnvironment;
  readonly composed: ComposedRun;
  readonly progress: RunProgress | undefined;
  readonly say: (text: string) => void;
  readonly overlay: PreparedRunOverlay;
  readonly timing: RunTiming;
  readonly writerThread: TraceWriterThread;
}

async function preflightAndRun(context: CliContext, prepared: PreparedRun): Promise<number> {
  const { file, options, spec, grant, runId, environment, composed, progress, say, overlay, timing, writerThread } = prepared;
  const checked = await checkPreflight(spec, grant, options, composed, context.env);
  say(checked.text);
  if (overlay.summary) say(`${overlay.summary}\n`);
  if (checked.refusal !== undefined) {
    context.stderr(escapeTerminalText(checked.refusal));
    return ExitCode.failure;
  }
  inlineIfWide(checked.leaves ?? 0); // see startTraceWriterThread

  // Trace wiring: every run that starts is recorded in the project trace (.whaleflow/whaleflow.db,
  // or $WHALEFLOW_HOME) for inspect, report, export, replay and resume; see docs/trace.md.
  // Progress hears each event once it is committed: no leaf is shown done that the trace does not hold.
  // Narrow: this process keeps its heap small, and its writer (TurboFan inlining off) is the
  // slower thread, so a wider window only queued more rows (10k leaves: wall 1.08x, peak +10 MB).
  // Opened here (openOnCallerThread): a database that cannot be recorded into is refused before
  // the run starts, and the cancel reader below does not race the writer over a new file.
  const recorder = openProjectRecorder({ cwd: context.cwd, env: context.env, committedObservers: progress ? [progress] : [], writerThread, narrowBacklog: true, openOnCallerThread: true });
  // Workflow mode: heartbeats (pid) and polling for `whaleflow cancel RUN [NODE]`, so other terminals can watch and stop this run.
  const cancelReader = openProjectTrace({ cwd: context.cwd, env: context.env });
  const supervision = superviseRun({ store: cancelReader, sink: recorder.sink, runId, now: environment.now });
  const interrupt = listenForStopSignals(context);
  const startedAt = environment.now();
  keepYoungGenerationSmall(); // see runWorkflowFile
  const resultJson = keptResultJson(options, checked.leaves ?? 0);
  timing.lap('preflight_ms');
  progress?.start();
  try {
    const result = await executeWorkflow({
      spec,
      runId,
      label: options.label ?? file,
      // the trace (with the heap's collections of a wide run around it; progress hears from it once committed), then other observers, then workflow-mode supervision
      sink: new FanOutEventSink([new CollectAtRunEdges(recorder), composed.sink, supervision.observer]),
      leafRunner: composed.leafRunner,
      controller: supervision.controller, // workflow mode: `whaleflow cancel RUN [NODE]` through the engine's cancel tree
      gateway: composed.gateway,
      ...(composed.memory ? { memory: composed.memory } : {}), // external memory, when memory.enabled
      environment,
      grant,
      signal: AbortSignal.any([interrupt.signal, recorder.failed]), // Ctrl-C; a trace that cannot be written stops the run
      sourceFile: file,
      validated: true,
      launchLimits: { maxAgents: options.maxAgents, maxDepth: options.maxDepth }, // expansions are held to them too
      ...(overlay.overlay ? { overlay: overlay.overlay } : {}),
      ...(resultJson ? { resultJson } : {}),
      ...(options.maxConcurrency !== undefined ? { limits: { maxConcurrentLeaves: options.maxConcurrency } } : {}),
    });
    supervision.stop();
    timing.lap('run_ms');
    // The cancel reader closes first, so the writer's is the database's last connection: closing
    // it checkpoints the WAL (megabytes of pages and their fsyncs at the end of a wide run) on the
    // writer's thread while this one reports the run, instead of here after the report.
    cancelReader.close();
    const closed = recorder.close();
    // Nothing is reported before it is recorded: a result whose events did not reach the trace is not a result.
    await recorder.committed();
    timing.lap('trace_flush_ms');
    if (recorder.error) return traceFailed(context, recorder, runId, file, progress);
    progress?.stop();
    if (options.json) await printJsonResult(context, { ...result, timing: timing.figures() }, options.pretty === true, resultJson ? (list) => resultJson.of(list) : undefined);
    else say(formatRunSummary(result, environment.now() - startedAt));
    await closed;
    if (recorder.error) return traceFailed(context, recorder, runId, file, progress); // its close failed
    if (composed.placement.kind === 'queue') context.stderr(formatQueueSummary(composed.placement));
    // A teacher_review node asks for lessons from this run (with learning.enabled): proposed, never applied before the gate.
    const review = await proposeAfterReview({ cwd: context.cwd, env: context.env, config: loadConfig({ cwd: context.cwd, env: context.env }), spec, runId, provider: options.provider, ...(options.fixtures ? { fixturesPath: options.fixtures } : {}) });
    for (const line of review) say(`${escapeTerminalLine(line)}\n`);
    if (result.status === 'succeeded') return ExitCode.ok;
    return interrupt.exitCode ?? ExitCode.failure;
  } finally {
    progress?.stop();
    supervision.stop(); // workflow mode
    cancelReader.close();
    interrupt.dispose();
    await recorder.close(); // trace wiring: every event committed before the command returns
  }
}

/** A run whose trace could not be written says so, and how to go on (resume, or run it again). */
function traceFailed(context: CliContext, recorder: ProjectRecorder, runId: string, file: string, progress: RunProgress | undefined): number {
  progress?.abandon();
  context.stderr(formatTraceFailure(runId, recorder.error!.message, recorder.startRecorded ? 'resume' : { rerun: file }));
  return ExitCode.failure;
}

/**
 * One line by default, written in pieces (a wide run's result is megabytes: ~60 MB at 100,000
 * leaves), each only once stdout has taken the ones before: into a pipe (`run --json | jq`, a
 * benchmark reading the result) a stream queues whatever its reader has not taken yet, and at
 * 100,000 leaves that was the whole result again, ~45 MB above the run's own peak.
 */
async function printJsonResult(context: CliContext, result: object, pretty: boolean, known: KnownArrayJson | undefined): Promise<void> {
  if (pretty) {
    context.stdout(`${terminalSafeJson(result, 2)}\n`);
    return;
  }
  for (const piece of terminalSafeJsonPieces(result, known)) {
    context.stdout(piece);
    await context.stdoutDrained?.();
  }
  context.stdout('\n');
}

/**
 * `--json` (one line) prints every leaf's result, which the results digest has just stringified:
 * that JSON is kept for the print (10,000 leaves: ~5.6 MB made once instead of twice), except in
 * a wide run, whose result must not be held twice over at its end (see ResultJsonTexts).
 */
function keptResultJson(options: RunOptions, leaves: number): ResultJsonTexts | undefined {
  return options.json && options.pretty !== true && leaves < WIDE_RUN_LEAVES ? new ResultJsonTexts(KEPT_RESULT_JSON_CHARS) : undefined;
}

/** ~30,000 results of a few hundred characters; beyond it, the print stringifies them again. */
const KEPT_RESULT_JSON_CHARS = 16 * 1024 * 1024;

/** A leaf of the workflow, or one a planner may write, runs a command. */
function mayRunCommands(preflight: PermissionPreflight): boolean {
  return preflight.commands.length > 0 || preflight.expansions.some((expansion) => expansion.commands.length > 0);
}

function sandboxModeOf(options: { readonly sandbox?: boolean }): SandboxMode {
  return options.sandbox === false ? 'none' : 'bubblewrap';
}

/**
 * The pre-flight: what the run writes, runs and may cost, and why it must not start (a
 * permission refusal, an estimate above --max-cost) as the message to print, if so; for a run
 * that may start, how many leaves it may launch.
 */
async function checkPreflight(spec: WorkflowSpec, grant: PermissionGrant, options: RunOptions, composed: Pick<ComposedRun, 'pricing' | 'realLeaves' | 'placement' | 'unusableRoutes'>, env: NodeJS.ProcessEnv): Promise<{ text: string; refusal?: string; leaves?: number }> {
  const preflight = preflightPermissions(spec, grant);
  const estimate = estimateRun(spec, composed.pricing);
  const sandbox = sandboxPreflight({
    realLeavesHere: composed.realLeaves && composed.placement.kind === 'in-process',
    onWorkers: composed.placement.kind === 'queue',
    runsCommands: mayRunCommands(preflight),
    mode: sandboxModeOf(options),
  });
  const text = formatPreflight(estimate, preflight, grant, { realWorktrees: composed.realLeaves, ...(sandbox.line ? { sandboxLine: sandbox.line } : {}) });
  if (preflight.refusals.length > 0) return { text, refusal: `whaleflow: ${new PermissionRefusedError(preflight.refusals).message}\nnot started.\n` };
  const credentials = await credentialRefusal(composed, spec);
  if (credentials !== undefined) return { text, refusal: credentials };
  if (sandbox.refusal) return { text, refusal: `${sandbox.refusal}${npmStartHint(env)}` };
  if (options.maxCost !== undefined) {
    const limit = Math.round(options.maxCost * 1_000_000);
    if (estimate.costMicrousd === null) {
      return { text, refusal: `whaleflow: --max-cost ${formatUsd(limit)} cannot be checked: the estimate's cost is unknown (no prices for this provider)\nnot started.\n` };
    }
    if (estimate.costMicrousd > limit) return { text, refusal: `whaleflow: the estimate ${formatUsd(estimate.costMicrousd)} is above --max-cost ${formatUsd(limit)}\nnot started.\n` };
  }
  return { text, leaves: estimate.leaves };
}

/** The README's main job runs through `npm start`, where options go after `--`. */
function npmStartHint(env: NodeJS.ProcessEnv): string {
  return env.npm_lifecycle_event === 'start' ? 'the main job without the sandbox: npm start -- --no-sandbox (leaf commands then run with your rights)\n' : '';
}

/**
 * Workflow mode: compile and check permissions here, so a workflow that cannot start says so
 * at once (exit 1, no child); then start the detached run (src/runs/start-background-run.ts)
 * and print its id. The cost check needs the provider's prices, so the child makes it.
 */
async function startInBackground(context: CliContext, file: string, options: RunOptions, rawArgs: readonly string[]): Promise<number> {
  const { spec, origin } = await compileWorkflowFile(resolve(context.cwd, file), launchShapeFrom(options));
  const preflight = preflightPermissions(spec, grantFromOptions(options, origin === 'generated-plan'));
  if (preflight.refusals.length > 0) {
    context.stderr(`whaleflow: ${escapeTerminalText(new PermissionRefusedError(preflight.refusals).message)}\nnot started.\n`);
    return ExitCode.failure;
  }
  const sandbox = sandboxPreflight({ realLeavesHere: options.provider !== 'mock' && !options.queue, onWorkers: options.queue !== undefined, runsCommands: mayRunCommands(preflight), mode: sandboxModeOf(options) });
  if (sandbox.refusal) {
    context.stderr(sandbox.refusal);
    return ExitCode.failure;
  }
  // Keys too, so a run that could not call its models is refused here rather than in a log file.
  if (options.provider === 'config') {
    const config = loadConfig({ cwd: context.cwd, env: context.env });
    const { unusableRoutes } = await import('../../wiring/index.js');
    const credentials = await credentialRefusal({ unusableRoutes: (checked, skip) => unusableRoutes(checked, config, context.env, skip) }, spec);
    if (credentials !== undefined) {
      context.stderr(credentials);
      return ExitCode.failure;
    }
  }
  const started = startBackgroundRun({ cwd: context.cwd, env: context.env, runArguments: backgroundRunArguments(rawArgs) });
  if (options.json) context.stdout(`${JSON.stringify(started)}\n`);
  else context.stdout(`${started.runId}\nstarted in the background (pid ${started.pid}, log ${started.logPath})\nwatch: whaleflow ps · whaleflow tui · stop: whaleflow cancel ${started.runId.slice(0, 8)}\n`);
  return ExitCode.ok;
}

