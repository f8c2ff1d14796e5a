import { Command, Option } from 'commander';
import { randomUUID } from 'node:crypto';
import { FanOutEventSink, RunController, systemEnvironment, type EngineEnvironment } from '../../engine/index.js';
import { assertReplayable, loadRecordedRun, renderFoldedRunTree, replayRun, resolveRunReference, RunNotReplayableError, RunTreeFold, selectLiveNodes, superviseRun, type RecordedRun, type ReplayOutcome, type ReplayRequest } from '../../runs/index.js';
import { InMemoryTraceStore, openProjectRecorder, openProjectTrace, recordReplayByReference, RecordingFailure, TraceSink, type ProjectRecorder, type RunSummary, type SqliteTraceStore, type TraceStore } from '../../trace/index.js';
import { escapeTerminalLine, escapeTerminalText, SecretRedactor, terminalSafeJson, UsageError } from '../../util/index.js';
import type { CliContext } from '../cli-context.js';
import { allowCommandOption, databaseOption, fixturesOption, grantFromOptions, inputFileOption, nonEmptyText, type GrantOptions } from '../options/index.js';
import { ExitCode } from '../exit-codes.js';
import { composeRun, credentialRefusal, formatTraceFailure, keepOldGenerationTight, listenForStopSignals, RUN_PROVIDERS, startTraceWriterThread, WIDE_RUN_LEAVES, type ComposedRun, type RunProvider } from '../run/index.js';

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
      let recording: ReplayRecording | undefined;
      try {
        // Resolved once: `last` names the same run for the size below and for the read.
        const target = options.trace ? undefined : resolveRunReference(store, reference!);
        const byReference = recordsByReference(store, target, options);
        // A replay recorded by reference writes few rows, inline: only another one starts a writer first.
        if (!byReference) recording = openReplayRecording(context, store, target);
        const recorded = loadRecordedRun(store, { reference: target?.runId ?? reference, traceFile: options.trace, cwd: context.cwd, noteRows: byReference });
        recording ??= replayByReference(context, store, recorded, target!);
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
        if (store.readOnly) context.stderr(`whaleflow: note: the replay is not recorded (${store.path} cannot be written here)\n`);
        // Like run and resume: heartbeats with this process's pid (so ps tells a killed replay
        // from a running one at once) and `whaleflow cancel` of the replay. Recorded cancels of
        // the run being replayed go through the same controller.
        const controller = new RunController();
        const supervision = store.readOnly ? undefined : superviseRun({ store, sink: recording.sink, runId, now: environment.now, controller });
        // The tree printed at the end is folded from the events as the replay emits them: reading
        // the replay back (through its references) cost about as much as the replay itself.
        const tree = options.json ? undefined : new RunTreeFold();
        const sinks = [recording.sink, ...(supervision ? [supervision.observer] : []), ...(tree ? [tree] : [])];
        const sink = sinks.length > 1 ? new FanOutEventSink(sinks) : recording.sink;
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
            signal: AbortSignal.any([recording.failed, stop.signal]),
            controller,
            ...live,
          });
        } finally {
          stop.dispose();
          supervision?.stop();
          // Every event committed before the tree is read back and the verdict printed.
          await recording.close();
          await composed?.close();
        }
        if (recording.error) {
          context.stderr(formatTraceFailure(runId, recording.error.message, 'replay'));
          context.exitCode = ExitCode.failure;
          return;
        }
        const replayed = tree ? recording.store.getRun(outcome.runId) : undefined;
        printOutcome(context, options, outcome, replayed && tree ? renderFoldedRunTree(replayed, tree, { redact: redactorOf(context) }) : '');
        context.exitCode = outcome.parity.identical ? ExitCode.ok : ExitCode.failure;
      } finally {
        // Closed already after a replay; here when the recorded run could not be read or replayed (nothing was written).
        await recording?.close();
        store.close();
      }
    });
}

/**
 * The events a replay emits are not redacted as stored ones are: its tree's outputs and errors are,
 * before they are cut to width (a secret cut in half is no longer recognised in the output).
 */
function redactorOf(context: CliContext): (text: string) => string {
  const redactor = new SecretRedactor(context.env);
  return (text) => redactor.redactString(text);
}

/** Where a replay is recorded, and the store its summary is read from once `close()` resolved. */
interface ReplayRecording extends Pick<ProjectRecorder, 'sink' | 'failed' | 'error' | 'close'> {
  readonly store: TraceStore;
}

/**
 * A replay of at least this many recorded events is recorded as `run` records, on a writer
 * thread; a smaller one inline: a thread's start (~0.1 s of CPU) costs it more than its rows.
 */
const WRITER_THREAD_EVENTS = 10_000;

/** A leaf records four events (node and effect, started and finished): a wide run's writer is sized by its leaves. */
const EVENTS_PER_LEAF = 4;

/**
 * Opens the replay's recording before the recorded run is read, so that a writer thread starts
 * (loads its modules, opens the database) while it is. A replay that cannot record stops, like a
 * run (see `whaleflow run`): its verdict would be unrecorded. A read-only project (a read-only
 * directory) is replayed all the same, recorded in memory only.
 */
function openReplayRecording(context: CliContext, store: SqliteTraceStore, target: RunSummary | undefined): ReplayRecording {
  if (!store.readOnly && target && target.eventCount >= WRITER_THREAD_EVENTS) {
    return recordingInto(store, openProjectRecorder({ cwd: context.cwd, env: context.env, databasePath: store.path, writerThread: startTraceWriterThread({ wide: target.eventCount >= EVENTS_PER_LEAF * WIDE_RUN_LEAVES }) }));
  }
  const recordTo: TraceStore = store.readOnly ? new InMemoryTraceStore() : store;
  const failure = new RecordingFailure();
  const sink = new TraceSink(recordTo, { onError: (error) => failure.report(error) });
  return {
    store: recordTo,
    sink,
    failed: failure.signal,
    get error() {
      return failure.error;
    },
    close: async () => sink.close(),
  };
}

/**
 * A pure replay (nothing runs live) of a run in the project trace is recorded by reference to
 * the recorded run's rows (see recordReplayByReference), unless that run is itself recorded so:
 * a replay of a replay repeats its rows, which a reference would have to follow twice.
 */
function recordsByReference(store: SqliteTraceStore, target: RunSummary | undefined, options: ReplayOptions): target is RunSummary {
  return target !== undefined && !store.readOnly && !options.allowLive && !options.from && store.referencesOf(target.runId).length === 0;
}

function replayByReference(context: CliContext, store: SqliteTraceStore, recorded: RecordedRun, target: RunSummary): ReplayRecording {
  const source = { runId: recorded.runId, effects: recorded.effects, rows: recorded.rows! };
  return recordingInto(store, recordReplayByReference({ store, source, divergedOnThread: target.eventCount >= WRITER_THREAD_EVENTS, env: context.env }));
}

/** A recorder writing into the project store, as the replay's recording. */
function recordingInto(store: SqliteTraceStore, recorder: Omit<ReplayRecording, 'store'>): ReplayRecording {
  return {
    store,
    sink: recorder.sink,
    failed: recorder.failed,
    get error() {
      return recorder.error;
    },
    close: () => recorder.close(),
  };
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
