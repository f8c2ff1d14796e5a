import type { LeafRunView, TraceStore } from '../../trace/index.js';
import { readRecordedRun } from '../../runs/index.js';
import type { WorkflowSpec } from '../../ir/index.js';

/** One test run (a leaf with a command, or one whose runner reported an exit code) as the teacher sees it. */
export interface TestEvidence {
  readonly nodeId: string;
  readonly iteration: number;
  readonly command: string | null;
  readonly passed: boolean;
  readonly exitCode: number;
  /** The end of its output (what failed). */
  readonly outputTail: string;
  readonly fileScope: readonly string[];
  /** Position among the run's finished leaves, to tell "failed, then fixed later". */
  readonly order: number;
}

export interface LeafEvidence {
  readonly nodeId: string;
  readonly iteration: number;
  readonly role: string | null;
  readonly status: string;
  readonly error: string | null;
  readonly steps: number | null;
  readonly tokens: number;
  readonly memoHits: number;
  readonly memoMisses: number;
  /** The effect key (leaf input hash, with the overlay's fingerprint when one applied). */
  readonly key: string | null;
  readonly source: string | null;
}

export interface DecisionEvidence {
  readonly nodeId: string;
  readonly iteration: number;
  readonly decision: string;
  readonly reason: string;
  readonly value: unknown;
}

/** What one finished run teaches: tests, leaves, decisions (with losers' fruit), overruns, stopped diffs, cost per role. */
export interface RunEvidence {
  readonly runId: string;
  readonly label: string;
  readonly status: string;
  readonly spec: WorkflowSpec;
  readonly workflowId: string | null;
  readonly sourceFile: string | null;
  readonly tests: readonly TestEvidence[];
  readonly leaves: readonly LeafEvidence[];
  readonly decisions: readonly DecisionEvidence[];
  readonly overruns: readonly { readonly nodeId: string | null; readonly budget: string; readonly limit: number; readonly used: number }[];
  readonly stoppedDiffs: readonly { readonly nodeId: string; readonly message: string; readonly diff: string }[];
  readonly costByRole: Readonly<Record<string, { tokens: number; costMicrousd: number | null }>>;
}

const OUTPUT_TAIL_CHARS = 1_200;

/** Reads a finished run's evidence from the trace (the recorded spec, leaf executions and decision events). */
export function collectRunEvidence(trace: TraceStore, runId: string): RunEvidence {
  const recorded = readRecordedRun(trace, runId);
  const summary = trace.getRun(runId)!;
  const leafRuns = trace.leafRuns(runId);
  const commands = commandsOf(recorded.spec);
  const tests: TestEvidence[] = [];
  const leaves: LeafEvidence[] = [];
  const costByRole: Record<string, { tokens: number; costMicrousd: number | null }> = {};
  leafRuns
    .filter((leaf) => leaf.finishedAt !== null)
    .sort((left, right) => (left.finishedAt ?? 0) - (right.finishedAt ?? 0))
    .forEach((leaf, order) => {
      const test = testOf(leaf, commands, order);
      if (test) tests.push(test);
      leaves.push(leafEvidenceOf(leaf));
      const role = leaf.role ?? 'unknown';
      const entry = (costByRole[role] ??= { tokens: 0, costMicrousd: 0 });
      entry.tokens += (leaf.usage?.input_tokens ?? 0) + (leaf.usage?.output_tokens ?? 0);
      entry.costMicrousd = entry.costMicrousd === null || leaf.usage?.cost_microusd === null || leaf.usage === null ? null : entry.costMicrousd + (leaf.usage.cost_microusd ?? 0);
    });
  const events = trace.events(runId, 0, ['decision', 'leaf_stopped', 'cancel_requested']).map((stored) => stored.event);
  return {
    runId,
    label: summary.label,
    status: summary.status,
    spec: recorded.spec,
    workflowId: recorded.spec.id,
    sourceFile: summary.sourceFile,
    tests,
    leaves,
    decisions: events.flatMap((event) => (event.type === 'decision' ? [{ nodeId: event.nodeId, iteration: event.iteration, decision: event.decision, reason: event.reason, value: event.value }] : [])),
    overruns: events.flatMap((event) =>
      event.type === 'cancel_requested' && event.reason.type === 'budget_exceeded'
        ? [{ nodeId: event.nodeId, budget: event.reason.budget, limit: event.reason.limit, used: event.reason.used }]
        : [],
    ),
    stoppedDiffs: events.flatMap((event) => (event.type === 'leaf_stopped' ? event.artifacts.filter((artifact) => artifact.kind === 'diff').map((artifact) => ({ nodeId: event.nodeId, message: event.message, diff: artifact.content })) : [])),
    costByRole,
  };
}

function commandsOf(spec: WorkflowSpec): Map<string, { command: string; fileScope: readonly string[] }> {
  const commands = new Map<string, { command: string; fileScope: readonly string[] }>();
  const visit = (nodes: WorkflowSpec['nodes']): void => {
    for (const node of nodes) {
      if (node.kind === 'leaf' && node.spec.command !== undefined) commands.set(node.spec.id, { command: node.spec.command, fileScope: node.spec.file_scope });
      if ('children' in node.spec) visit(node.spec.children);
      if (node.kind === 'cond') {
        visit(node.spec.then_nodes);
        visit(node.spec.else_nodes);
      }
    }
  };
  visit(spec.nodes);
  return commands;
}

function testOf(leaf: LeafRunView, commands: Map<string, { command: string; fileScope: readonly string[] }>, order: number): TestEvidence | undefined {
  const test = leaf.details?.test as { passed: boolean; exitCode: number; command: string | null } | undefined;
  if (!test) return undefined;
  const declared = commands.get(leaf.nodeId);
  const output = leaf.output ?? leaf.error ?? '';
  return {
    nodeId: leaf.nodeId,
    iteration: leaf.iteration,
    command: test.command ?? declared?.command ?? null,
    passed: test.passed,
    exitCode: test.exitCode,
    outputTail: output.length > OUTPUT_TAIL_CHARS ? `…${output.slice(-OUTPUT_TAIL_CHARS)}` : output,
    fileScope: declared?.fileScope ?? [],
    order,
  };
}

function leafEvidenceOf(leaf: LeafRunView): LeafEvidence {
  const steps = (leaf.details?.data as { steps?: unknown } | undefined)?.steps;
  return {
    nodeId: leaf.nodeId,
    iteration: leaf.iteration,
    role: leaf.role,
    status: leaf.status,
    error: leaf.error,
    steps: typeof steps === 'number' ? steps : null,
    tokens: (leaf.usage?.input_tokens ?? 0) + (leaf.usage?.output_tokens ?? 0),
    memoHits: leaf.memoUsage?.armh_hits ?? 0,
    memoMisses: leaf.memoUsage?.armh_misses ?? 0,
    key: leaf.inputHash,
    source: leaf.effectSource,
  };
}

