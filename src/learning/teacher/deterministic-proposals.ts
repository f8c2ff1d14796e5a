import { referencesOf, listNodes } from '../../ir/index.js';
import type { LessonProposal } from './lesson-proposal.js';
import type { RunEvidence } from './run-evidence.js';

/** How many tournaments in a row a candidate must lose before a branch heuristic is proposed. */
export const LOST_TOURNAMENTS_THRESHOLD = 3;

export interface DeterministicRuleContext {
  readonly repository: string;
  /** The configuration's cross-run memo policy (a paid repeat under `never` suggests a cache policy). */
  readonly crossRun: 'never' | 'deterministic' | 'always';
}

/**
 * Proposals that need no model, from patterns in the trace (upstream CodeWhale's heuristics,
 * made precise): a test that failed and was later fixed → regression_test; the same leaf request
 * paid for in several runs → cache_policy_patch; a candidate that lost every tournament in K runs
 * → branch_heuristic.
 */
export function deterministicProposals(evidence: readonly RunEvidence[], context: DeterministicRuleContext): LessonProposal[] {
  return [...failedThenFixedTests(evidence, context), ...repeatedPaidRequests(evidence, context), ...alwaysLosingCandidates(evidence, context)];
}

function scopeOf(context: DeterministicRuleContext, extra: { paths?: readonly string[]; roles?: readonly string[]; workflows?: readonly string[] } = {}) {
  return { repository: context.repository, paths: [...(extra.paths ?? [])], roles: [...(extra.roles ?? [])], agent_types: [], model_family: null, workflows: [...(extra.workflows ?? [])] };
}

function failedThenFixedTests(evidence: readonly RunEvidence[], context: DeterministicRuleContext): LessonProposal[] {
  const proposals = new Map<string, LessonProposal>();
  for (const run of evidence) {
    for (const failed of run.tests.filter((test) => !test.passed && test.command !== null)) {
      const fixed = run.tests.find((test) => test.passed && test.command === failed.command && test.order > failed.order);
      if (!fixed || proposals.has(failed.command!)) continue;
      const name = failed.nodeId.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 48) || 'test';
      proposals.set(failed.command!, {
        body: { kind: 'regression_test', content: { command: failed.command!, name }, scope: scopeOf(context, { paths: failed.fileScope }) },
        title: `run "${failed.command}" as a regression test`,
        rationale: `In run ${run.runId.slice(0, 8)}, "${failed.command}" failed at ${failed.nodeId}${failed.iteration > 0 ? `#${failed.iteration}` : ''} (exit ${failed.exitCode}) and passed later at ${fixed.nodeId}${fixed.iteration > 0 ? `#${fixed.iteration}` : ''}.`,
        provenance: { runs: [run.runId], nodes: [{ run_id: run.runId, node_id: failed.nodeId }, { run_id: run.runId, node_id: fixed.nodeId }], proposer: { type: 'rule', rule: 'failed-then-fixed-test' }, parents: [] },
      });
    }
  }
  return [...proposals.values()];
}

function repeatedPaidRequests(evidence: readonly RunEvidence[], context: DeterministicRuleContext): LessonProposal[] {
  const paid = new Map<string, { role: string; runs: Set<string>; nodes: { run_id: string; node_id: string }[] }>();
  for (const run of evidence) {
    for (const leaf of run.leaves) {
      if (leaf.key === null || leaf.role === null || leaf.source !== 'live' || leaf.memoMisses === 0 || leaf.tokens === 0) continue;
      const entry = paid.get(leaf.key) ?? { role: leaf.role, runs: new Set<string>(), nodes: [] };
      entry.runs.add(run.runId);
      entry.nodes.push({ run_id: run.runId, node_id: leaf.nodeId });
      paid.set(leaf.key, entry);
    }
  }
  const byRole = new Map<string, { runs: Set<string>; nodes: { run_id: string; node_id: string }[] }>();
  for (const entry of paid.values()) {
    if (entry.runs.size < 2) continue;
    const role = byRole.get(entry.role) ?? { runs: new Set<string>(), nodes: [] };
    for (const run of entry.runs) role.runs.add(run);
    role.nodes.push(...entry.nodes);
    byRole.set(entry.role, role);
  }
  return [...byRole].map(([role, entry]) => ({
    body: { kind: 'cache_policy_patch', content: { role, cross_run: context.crossRun === 'never' ? 'deterministic' : 'always' }, scope: scopeOf(context, { roles: [role] }) },
    title: `reuse identical ${role} requests across runs`,
    rationale: `The same ${role} leaf requests were paid for in ${entry.runs.size} runs (memo misses each time); reusing them across runs would avoid paying again.`,
    provenance: { runs: [...entry.runs], nodes: entry.nodes.slice(0, 50), proposer: { type: 'rule', rule: 'repeated-paid-request' }, parents: [] },
  }));
}

function alwaysLosingCandidates(evidence: readonly RunEvidence[], context: DeterministicRuleContext): LessonProposal[] {
  const record = new Map<string, { lost: number; won: number; runs: Set<string>; workflow: string | null; reads: boolean }>();
  for (const run of evidence) {
    const readers = new Set(listNodes(run.spec).flatMap(({ node }) => (node.kind === 'tournament' || node.kind === 'pareto' ? [] : referencesOf(node).flatMap(({ ids }) => ids))));
    for (const decision of run.decisions.filter((entry) => entry.decision === 'winner')) {
      const value = decision.value as { winner?: string; losers?: { id: string }[] };
      for (const candidate of [value.winner, ...(value.losers ?? []).map((loser) => loser.id)]) {
        if (candidate === undefined) continue;
        const key = `${run.workflowId ?? ''}\u0000${candidate}`;
        const entry = record.get(key) ?? { lost: 0, won: 0, runs: new Set<string>(), workflow: run.workflowId, reads: false };
        if (candidate === value.winner) entry.won += 1;
        else entry.lost += 1;
        entry.runs.add(run.runId);
        entry.reads ||= readers.has(candidate);
        record.set(key, entry);
      }
    }
  }
  return [...record]
    .filter(([, entry]) => entry.won === 0 && entry.lost >= LOST_TOURNAMENTS_THRESHOLD && entry.runs.size >= LOST_TOURNAMENTS_THRESHOLD && !entry.reads)
    .map(([key, entry]) => {
      const node = key.split('\u0000')[1]!;
      return {
        body: { kind: 'branch_heuristic', content: { node, action: 'drop', lost_tournaments: entry.lost }, scope: scopeOf(context, { workflows: entry.workflow ? [entry.workflow] : [] }) },
        title: `drop branch ${node}: it lost ${entry.lost} tournaments in ${entry.runs.size} runs`,
        rationale: `Candidate ${node} never won a tournament in the ${entry.runs.size} runs reviewed; running it spends tokens on a branch that is always cancelled or outscored.`,
        provenance: { runs: [...entry.runs], nodes: [], proposer: { type: 'rule', rule: 'always-losing-candidate' }, parents: [] },
      } satisfies LessonProposal;
    });
}
