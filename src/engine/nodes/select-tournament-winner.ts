import type { NodeOfKind, NodeResult, TournamentOrdering } from '../../ir/index.js';
import type { ResultRegistry } from '../run/result-registry.js';
import { candidateScore, latencyOf } from './candidate-fruit.js';

export interface FinishedCandidate {
  readonly id: string;
  readonly result: NodeResult | null;
  /** Position in completion order (0 finished first). */
  readonly finishedAs: number;
}

/**
 * Whether the tournament can decide now, from the candidates finished so far (speculative
 * execution: the others are then cancelled). By tests or score with min_score, the first
 * qualifying finisher decides; by judge, or by score without a threshold, every candidate must finish.
 */
export function canDecide(node: NodeOfKind<'tournament'>, finished: readonly FinishedCandidate[], total: number): boolean {
  if (finished.length === total) return true;
  const { by, min_score: minScore } = node.spec;
  if (by === 'judge' || (by === 'score' && minScore === undefined)) return false;
  return finished.some((candidate) => qualifies(node, candidate.result));
}

/** A candidate may win when it succeeded (all its tests passed) and, by score, meets min_score. */
export function qualifies(node: NodeOfKind<'tournament'>, result: NodeResult | null): boolean {
  if (!result || result.status !== 'succeeded') return false;
  if (node.spec.by !== 'score') return true;
  const score = candidateScore(result);
  return score !== undefined && (node.spec.min_score === undefined || score >= node.spec.min_score);
}

/**
 * The winner among the finished candidates, without a judge: by tests the cheapest passing
 * candidate, by score the highest; ties broken by `ordering` (declaration by default for
 * score, cost then declaration for tests).
 */
export function selectByRule(node: NodeOfKind<'tournament'>, finished: readonly FinishedCandidate[], registry: ResultRegistry): string | null {
  const declared = node.spec.candidates;
  const eligible = finished.filter((candidate) => qualifies(node, candidate.result));
  if (eligible.length === 0) return null;
  const ordering: TournamentOrdering = node.spec.ordering ?? 'declaration';
  const tieBreak = (left: FinishedCandidate, right: FinishedCandidate): number => {
    switch (ordering) {
      case 'declaration':
        return declared.indexOf(left.id) - declared.indexOf(right.id);
      case 'cost':
        return costOf(left) - costOf(right) || declared.indexOf(left.id) - declared.indexOf(right.id);
      case 'latency':
        return latencyOf(registry, left.id) - latencyOf(registry, right.id) || left.finishedAs - right.finishedAs;
    }
  };
  const primary = (left: FinishedCandidate, right: FinishedCandidate): number =>
    node.spec.by === 'score' ? (candidateScore(right.result!) ?? 0) - (candidateScore(left.result!) ?? 0) : costOf(left) - costOf(right);
  return [...eligible].sort((left, right) => primary(left, right) || tieBreak(left, right))[0]!.id;
}

/** Unknown cost sorts last: it is never assumed to be cheap. */
function costOf(candidate: FinishedCandidate): number {
  return candidate.result?.usage.cost_microusd ?? Number.POSITIVE_INFINITY;
}
