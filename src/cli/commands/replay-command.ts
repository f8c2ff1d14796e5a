import { Command, Option } from 'commander';
import { randomUUID } from 'node:crypto';
import { FanOutEventSink, RunController, systemEnvironment, type EngineEnvironment } from '../../engine/index.js';
import { assertReplayable, loadRecordedRun, renderRunTree, replayRun, RunNotReplayableError, selectLiveNodes, superviseRun, type RecordedRun, type ReplayOutcome, type ReplayRequest } from '../../runs/index.js';
import { InMemoryTraceStore, openProjectTrace, RecordingFailure, TraceSink, type TraceStore } from '../../trace/index.js';
import { escapeTerminalLine, escapeTerminalText, terminalSafeJson, UsageError } from '../../util/index.js';
import type { CliContext } from '../cli-context.js';
import { allowCommandOption, databaseOption, fixturesOption, grantFromOptions, inputFileOption, nonEmptyText, type GrantOptions } from '../options/index.js';
import { ExitCode } from '../exit-codes.js';
import { composeRun, credentialRefusal, formatTraceFailure, keepOldGenerationTight, listenForStopSignals, RUN_PROVIDERS, type ComposedRun, type RunProvider } from '../run/index.js';

interface ReplayOptions extends GrantOptions {
  trace?: string;
  allowLive?: boolean;
  from?: string;
  provider: RunProvider;
  fixtures?: string;
  db?: string;
  json?: boolean;
}

export function replayCommand(context: CliContext): Command {
  return new Command('replay')
    .description('Re-execute a recorded run with every effect served from its trace (no provider calls, no commands) and check parity')
    .argument('[run]', 'run id, unique prefix of one, or "last"')
    .addOption(inputFileOption(context, '--trace <file>', 'replay from an export file (`whaleflow export`) instead of the project trace'))
    .option('--allow-live', 'run effects the trace lacks live instead of failing')
    .addOption(new Option('--from <node>', 're-run this node and every node depending on it live; serve the rest from the trace').argParser(nonEmptyText))
    .addOption(new Option('--provider <name>', 'where effects that run live go (as for `whaleflow run`)').choices(RUN_PROVIDERS).default('mock'))
    .addOption(fixturesOption(context, 'YAML fixture scripting the mock provider for the effects that run live'))
    .option('--read-only', 'live leaves may not write files')
    .option('--allow-network', 'live leaves that declare network access may use it')
    .option('--allow-write-tree', 'live writers not in parallel branches may write the working tree')
    .addOption(allowCommandOption())
    .option('--json', 'print the outcome as JSON')
    .addOption(databaseOption(context))
    .addHelpText('after', '\nExamples:\n  $ whaleflow replay last\n  $ whaleflow replay 3f2a --from build\n  $ whaleflow replay --trace run.json')
    .action(async (reference: string | undefined, options: ReplayOptions) => {
      if (!reference && !options.trace) throw new UsageError('name a run to replay (an id, a prefix or "last"), or give --trace FILE');
      keepOldGenerationTight();
      const store = openProjectTrace({ cwd: context.cwd, env: context.env, databasePath: options.db, mustExist: !options.trace });
      try {
        const recorded = loadRecordedRun(store, { reference, traceFile: options.trace, cwd: context.cwd });
        // A run without a result (still running, or never finished) has nothing to be identical to.
        if (!options.trace) assertReplayable(store, store.getRun(recorded.runId)!, { now: Date.now() });
        else if (!recorded.result) throw new RunNotReplayableError(recorded.runId, 'unfinished_export', null);
        const environment = systemEnvironment();
        const runId = randomUUID();
        const composed = options.allowLive || options.from ? await composeLive(context, options, environment, runId) : undefined;
        // The pre-flight `run` and `resume` make: a route the live part needs whose key is unset
        // fails here, before anything is recorded, not at its first call.
        const refusal = composed ? await credentialRefusal(composed, recorded.spec, servedFromTrace(recorded, options)) : undefined;
        if (composed && refusal !== undefined) {
          await composed.close();
          context.stderr(refusal);
          context.exitCode = ExitCode.failure;
          return;
        }
        const live = composed ? livePorts(composed, options, recorded) : {};
        // A read-only project (a read-only directory) is replayed all the same, without recording the replay.
        const recordTo: TraceStore = store.readOnly ? new InMemoryTraceStore() : store;
        if (store.readOnly) context.stderr(`whaleflow: note: the replay is not recorded (${store.path} cannot be written here)\n`);
        // A replay that cannot record stops, like a run (see `whaleflow run`): its verdict would be unrecorded.
        const recording = new RecordingFailure();
        const traceSink = new TraceSink(recordTo, { onError: (error) => recording.report(error) });
        // Like run and resume: heartbeats with this process's pid (so ps tells a killed replay
        // from a running one at once) and `whaleflow cancel` of the replay. Recorded cancels of
        // the run being replayed go through the same controller.
        const controller = new RunController();
        const supervision = store.readOnly ? undefined : superviseRun({ store, sink: traceSink, runId, now: environment.now, controller });
        const sink = supervision ? new FanOutEventSink([traceSink, supervision.observer]) : traceSink;
        let outcome: ReplayOutcome;
        // Effects that run live stop on Ctrl-C, SIGTERM or SIGHUP like a run's.
        const stop = listenForStopSignals(context);
        try {
          outcome = await replayRun({
            recorded,
            runId,
            sink,
            allowLive: options.allowLive,
            fromNodeId: options.from,
            environment,
            // A run from the project's own trace passed the gate when it ran; an export file is re-checked.
            trustedSpec: !options.trace,
            signal: AbortSignal.any([recording.signal, stop.signal]),
            controller,
            ...live,
          });
        } finally {
          stop.dispose();
          supervision?.stop();
          traceSink.close();
          await composed?.close();
        }
        if (recording.error) {
          context.stderr(formatTraceFailure(runId, recording.error.message, 'replay'));
          context.exitCode = ExitCode.failure;
          return;
        }
        const replayed = recordTo.getRun(outcome.runId);
        printOutcome(context, options, outcome, replayed ? renderRunTree(recordTo, replayed) : '');
        context.exitCode = outcome.parity.identical ? ExitCode.ok : ExitCode.failure;
      } finally {
        store.close();
      }
    });
}

/**
 * Nodes that cannot run live in this replay, so their routes need no key: outside `--from`'s
 * selection, a node whose effect the trace holds is served from it, and without
 * `--allow-live` every node outside the selection is.
 */
function servedFromTrace(recorded: RecordedRun, options: ReplayOptions): (nodeId: string) => boolean {
  const live = options.from ? selectLiveNodes(recorded.spec, options.from) : new Set<string>();
  const recordedNodes = new Set<string>();
  for (const effect of recorded.effects.all()) recordedNodes.add(effect.scope.nodeId);
  return (nodeId) => !live.has(nodeId) && (!options.allowLive || recordedNodes.has(nodeId));
}

/** The run command's composition, for the effects `--allow-live` and `--from` run live. */
function composeLive(context: CliContext, options: ReplayOptions, environment: EngineEnvironment, runId: string): Promise<ComposedRun> {
  return composeRun({ cwd: context.cwd, env: context.env, provider: options.provider, fixturesPath: options.fixtures, environment, runId, observers: [] });
}

/** The run command's ports and grant. */
function livePorts(composed: ComposedRun, options: ReplayOptions, recorded: RecordedRun): Pick<ReplayRequest, 'leafRunner' | 'gateway' | 'grant' | 'memory'> {
  return {
    leafRunner: composed.leafRunner,
    gateway: composed.gateway,
    ...(composed.memory ? { memory: composed.memory } : {}),
    // A generated plan's commands stay model output in a replay's live parts too.
    grant: grantFromOptions(options, recorded.started.grant?.commandAuthority === 'granted-only'),
  };
}

function printOutcome(context: CliContext, options: ReplayOptions, outcome: ReplayOutcome, tree: string): void {
  if (options.json) {
    context.stdout(`${terminalSafeJson(outcome, 2)}\n`);
    return;
  }
  context.stdout(tree);
  context.stdout(`\nserved ${outcome.servedFromTrace} effects from the trace, ran ${outcome.ranLive} live`);
  context.stdout(outcome.liveNodes.length > 0 ? ` (live nodes: ${escapeTerminalLine(outcome.liveNodes.join(', '))})\n` : '\n');
  for (const divergence of outcome.divergences) context.stdout(`${escapeTerminalText(divergence)}\n`);
  context.stdout(
    outcome.parity.identical
      ? 'parity: identical\n'
      : `parity: diverged${outcome.parity.divergedAt ? ` at ${escapeTerminalLine(outcome.parity.divergedAt)}` : ''}${outcome.parity.detail ? ` — ${escapeTerminalText(outcome.parity.detail)}` : ''}\n`,
  );
  if (outcome.parity.accounting) context.stdout(`accounting: ${escapeTerminalText(outcome.parity.accounting)}\n`);
}
