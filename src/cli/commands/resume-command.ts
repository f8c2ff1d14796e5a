import { Command, Option } from 'commander';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { compileWorkflowFile, isGeneratedPlanFile } from '../../authoring/index.js';
import { FanOutEventSink, systemEnvironment } from '../../engine/index.js';
import { claimResume, readRecordedRun, resolveRunReference, resumeChain, resumeRun, superviseRun, type RecordedRun } from '../../runs/index.js';
import { keepStatementJournalsInMemory, openProjectTrace, RecordingFailure, TraceSink, type SqliteTraceStore } from '../../trace/index.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import { addLaunchShapeOptions, allowCommandOption, databaseOption, fixturesOption, grantFromOptions, inputFileOption, launchShapeFrom, positiveInteger, type GrantOptions } from '../options/index.js';
import { composeRun, credentialRefusal, formatQueueSummary, formatTraceFailure, keepOldGenerationTight, listenForStopSignals, RUN_PROVIDERS, type RunProvider } from '../run/index.js';
import { removeRunWorktrees } from '../../leaves/index.js';
import { terminalSafeJson } from '../../util/index.js';

interface ResumeOptions extends GrantOptions {
  file?: string;
  provider: RunProvider;
  fixtures?: string;
  maxConcurrency?: number;
  db?: string;
  json?: boolean;
  maxAgents?: number;
  maxDepth?: number;
  force?: boolean;
  queue?: string;
  /** false with --no-sandbox. */
  sandbox?: boolean;
}

export function resumeCommand(context: CliContext): Command {
  return addLaunchShapeOptions(new Command('resume')
    .description('Continue an interrupted (crashed or cancelled) run: finished effects are served from the trace, the rest runs live')
    .argument('<run>', 'run id, unique prefix of one, or "last"')
    .addOption(inputFileOption(context, '--file <workflow>', 'continue with an edited workflow; leaves whose input hash is unchanged are reused'))
    .addOption(new Option('--provider <name>', 'where the remaining effects go (as for `whaleflow run`)').choices(RUN_PROVIDERS).default('mock'))
    .addOption(fixturesOption(context, 'YAML fixture scripting the mock provider'))
    .addOption(new Option('--max-concurrency <n>', 'leaves running at once (default 16)').argParser(positiveInteger))
    .option('--read-only', 'no leaf may write files')
    .option('--allow-network', 'leaves that declare network access may use it')
    .option('--allow-write-tree', 'writers not in parallel branches may write the working tree')
    .addOption(allowCommandOption())
    .option('--no-sandbox', 'run leaf commands unconfined (default: a bubblewrap sandbox; without bwrap, commands fail unless this is given)')
    .option('--force', 'resume even if the run still looks alive (its process answers or it wrote recently), or its lock is held from another host')
    .option('--queue <url>', 'run the remaining leaves on queue workers (redis://HOST:PORT); jobs the interrupted run left in the queue are collected, not queued again')
    .option('--json', 'print the outcome as JSON')
    .addOption(databaseOption(context))
    .addHelpText('after', '\nExamples:\n  $ whaleflow resume last\n  $ whaleflow resume 3f2a --file workflows/fixed.yaml\n  $ whaleflow resume last --queue redis://127.0.0.1:6379'))
    .action(async (reference: string, options: ResumeOptions) => {
      keepOldGenerationTight();
      const store = openProjectTrace({ cwd: context.cwd, env: context.env, databasePath: options.db, mustExist: true });
      try {
        store.assertWritable(); // a resume that could not record would pay for its leaves again next time
        // It records inline on this connection: a wide batch's INSERT must not spill its undo log to temporary files.
        keepStatementJournalsInMemory(store.database);
        const runId = randomUUID();
        // One resume at a time per run chain; decided under its lock (see claimResume).
        const claim = claimResume(store, store.database, resolveRunReference(store, reference), { resumeRunId: runId, now: Date.now(), force: options.force });
        try {
          const [first] = claim.skipped;
          if (first) {
            const state = claim.target.finishedAt === null ? 'it did not finish' : claim.target.status;
            context.stderr(`whaleflow: run ${first.runId} was resumed before; continuing from its newest resume, ${claim.target.runId} (${state})\n`);
          }
          context.exitCode = await resumeClaimed(context, store, claim.target.runId, runId, options);
        } finally {
          claim.lock.release();
        }
      } finally {
        store.close();
      }
    });
}

/** The resume itself, once claimResume allowed it: the recorded effects served, the rest live. */
async function resumeClaimed(context: CliContext, store: SqliteTraceStore, targetRunId: string, runId: string, options: ResumeOptions): Promise<number> {
  const recorded = readRecordedRun(store, targetRunId);
  const launchShape = launchShapeFrom(options);
  const compiled = options.file ? await compileWorkflowFile(resolve(context.cwd, options.file), launchShape) : undefined;
  const environment = systemEnvironment();
  // Queue job ids derive from the first run of the chain, so the jobs a crashed run left are found again.
  const chain = resumeChain(store, recorded).map((run) => run.runId);
  const lineage = chain.at(-1) ?? recorded.runId;
  const composed = await composeRun({ cwd: context.cwd, env: context.env, provider: options.provider, fixturesPath: options.fixtures, environment, runId, observers: [], sandbox: options.sandbox === false ? 'none' : 'bubblewrap', lineage, ...(options.queue ? { queueUrl: options.queue } : {}) });
  // The pre-flight `run` makes: a model route whose key is unset fails here, not at the first call.
  // Nodes whose effects finished are served from the trace and need no key.
  const refusal = await credentialRefusal(composed, compiled?.spec ?? recorded.spec, finishedNodes(recorded));
  if (refusal !== undefined) {
    await composed.close();
    context.stderr(refusal);
    return ExitCode.failure;
  }
  // A generated plan stays one when resumed: its commands never gain authority by a restart.
  const generated = compiled ? compiled.origin === 'generated-plan' : recorded.started.grant?.commandAuthority === 'granted-only' || isGeneratedPlanFile(recorded.started.sourceFile ?? '');
  const grant = grantFromOptions(options, generated);
  // A resume that cannot record stops, like a run (see `whaleflow run`).
  const recording = new RecordingFailure();
  const traceSink = new TraceSink(store, { onError: (error) => recording.report(error) });
  // Like `whaleflow run`: heartbeats for ps/TUI and `whaleflow cancel` reach the resumed run too.
  const supervision = superviseRun({ store, sink: traceSink, runId, now: environment.now });
  const sink = new FanOutEventSink([traceSink, supervision.observer]);
  // Like `whaleflow run`: Ctrl-C, SIGTERM and SIGHUP cancel the resumed run cleanly.
  const stop = listenForStopSignals(context);
  try {
    const outcome = await resumeRun({
      store,
      recorded,
      runId,
      sink,
      leafRunner: composed.leafRunner,
      gateway: composed.gateway,
      ...(composed.memory ? { memory: composed.memory } : {}),
      grant,
      controller: supervision.controller,
      signal: AbortSignal.any([recording.signal, stop.signal]),
      environment,
      ...(compiled ? { spec: compiled.spec, sourceFile: options.file, validation: launchShape } : {}),
      launchLimits: launchShape,
      ...(options.maxConcurrency !== undefined ? { limits: { maxConcurrentLeaves: options.maxConcurrency } } : {}),
    });
    traceSink.close();
    if (recording.error) {
      context.stderr(formatTraceFailure(runId, recording.error.message, traceSink.committed.startRecorded ? 'resume' : { resumeFrom: targetRunId }));
      return ExitCode.failure;
    }
    if (options.json) context.stdout(`${terminalSafeJson(outcome, 2)}\n`);
    else {
      context.stdout(`resumed ${recorded.runId} as ${runId}: ${outcome.result.status}\n`);
      context.stdout(`served ${outcome.servedFromTrace} finished effects from the trace, ran ${outcome.ranLive} live\n`);
    }
    if (composed.placement.kind === 'queue') context.stderr(formatQueueSummary(composed.placement));
    // The runs this one continues are over: worktrees a crashed one left (kill -9) go now, not never.
    const left = await removeRunWorktrees(context.cwd, chain);
    if (left.length > 0 && !options.json) context.stdout(`removed ${left.length} worktree${left.length === 1 ? '' : 's'} the interrupted run left\n`);
    if (outcome.result.status === 'succeeded') return ExitCode.ok;
    return stop.exitCode ?? ExitCode.failure;
  } finally {
    stop.dispose();
    supervision.stop();
    traceSink.close();
    await composed.close(); // the memo's database connection, the queue
  }
}

/** Whether a node's work finished in the recorded run (a succeeded effect), so resume serves it. */
function finishedNodes(recorded: RecordedRun): (nodeId: string) => boolean {
  const finished = new Set<string>();
  for (const effect of recorded.effects.all()) if (effect.result.status === 'succeeded') finished.add(effect.scope.nodeId);
  return (nodeId) => finished.has(nodeId);
}
