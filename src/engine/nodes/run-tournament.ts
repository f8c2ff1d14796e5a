import { emptyMemoUsage, emptyUsage, type NodeOfKind, type NodeResult } from '../../ir/index.js';
import { callGateway, performComputed } from '../effects/call-gateway.js';
import { parseJsonReply, MalformedAnswerError } from '../effects/parse-json-answer.js';
import type { NodeContext } from '../run/run-context.js';
import { candidateFruit } from './candidate-fruit.js';
import { describeEvidence } from './describe-evidence.js';
import { cancelledResult, failedResult, nodeResult } from './node-result.js';
import { waitForReferences } from './resolve-references.js';
import { canDecide, qualifies, selectByRule, type FinishedCandidate } from './select-tournament-winner.js';

export const TOURNAMENT_JUDGE_SYSTEM =
  'You pick the best candidate of a coding workflow. Reply with JSON only: {"winner": "<candidate id>", "reason": "one sentence"}.';

/**
 * Picks a winner among candidates as they finish — by tests, score or a judge — and cancels the
 * candidates still running (reason tournament_loser): speculative execution. It then waits for
 * the losers to stop, so nothing runs detached, and records the winner with every loser's fruit.
 */
export async function runTournament(node: NodeOfKind<'tournament'>, context: NodeContext): Promise<NodeResult> {
  const { spec } = node;
  const { registry } = context.run;
  const finished = await watchUntilDecidable(node, context);
  if (context.scope.reason) return cancelledResult(node, context.scope.reason);
  const choice = await chooseWinner(node, context, finished);
  for (const id of spec.candidates) {
    if (id === choice.winner || registry.peek(id) !== undefined) continue;
    const reason = { type: 'tournament_loser', tournamentId: spec.id } as const;
    context.run.emit({ type: 'cancel_requested', nodeId: id, reason });
    registry.cancel(id, reason);
  }
  await waitForReferences(context, spec.id, spec.candidates);
  const fruit = spec.candidates.map((id) => candidateFruit(id, registry.peek(id)));
  const fields = { usage: choice.usage, memoUsage: choice.memoUsage };
  if (choice.error !== undefined) return failedResult(node, choice.error, fields);
  if (choice.winner === null) return failedResult(node, 'no candidate qualified', { ...fields, details: { fruit } });
  context.run.emit({
    type: 'decision',
    nodeId: spec.id,
    iteration: context.iteration,
    key: choice.key,
    decision: 'winner',
    value: { winner: choice.winner, by: spec.by, losers: fruit.filter((candidate) => candidate.id !== choice.winner) },
    reason: choice.reason,
  });
  return nodeResult(node, 'succeeded', { ...fields, output: choice.winner, details: { winner: choice.winner, by: spec.by, reason: choice.reason, fruit } });
}

/** Resolves when the finished candidates decide the tournament, or every candidate has finished. */
function watchUntilDecidable(node: NodeOfKind<'tournament'>, context: NodeContext): Promise<FinishedCandidate[]> {
  const { registry, index } = context.run;
  const ids = node.spec.candidates;
  const finished: FinishedCandidate[] = [];
  return new Promise((resolve) => {
    if (ids.length === 0) resolve(finished);
    const unregister = context.scope.onCancel(() => resolve([...finished]));
    let decided = false;
    for (const id of ids) {
      void Promise.resolve(registry.waitFor(index.waitTarget(id, node.spec.id))).then(() => {
        if (decided) return;
        finished.push({ id, result: registry.peek(id) ?? null, finishedAs: finished.length });
        if (canDecide(node, finished, ids.length)) {
          decided = true;
          unregister();
          resolve([...finished]);
        }
      });
    }
  });
}

interface Choice {
  readonly winner: string | null;
  readonly reason: string;
  readonly key: string;
  readonly usage: ReturnType<typeof emptyUsage>;
  readonly memoUsage: ReturnType<typeof emptyMemoUsage>;
  readonly error?: string;
}

async function chooseWinner(node: NodeOfKind<'tournament'>, context: NodeContext, finished: readonly FinishedCandidate[]): Promise<Choice> {
  const { spec } = node;
  const summary = finished.map((candidate) => ({ id: candidate.id, status: candidate.result?.status ?? 'absent', cost: candidate.result?.usage.cost_microusd ?? null }));
  const identity = { candidates: spec.candidates, by: spec.by, ordering: spec.ordering ?? null, min_score: spec.min_score ?? null };
  if (spec.by !== 'judge') {
    const { result, key } = await performComputed(context, 'selection', spec.id, { ...identity, finished: summary }, () => ({ winner: selectByRule(node, finished, context.run.registry) }), identity);
    const winner = (result.data as { winner: string | null }).winner;
    return { winner, key, reason: winner ? `${winner} is the best finished candidate by ${spec.by}` : 'no finished candidate qualified', usage: emptyUsage(), memoUsage: emptyMemoUsage() };
  }
  const eligible = finished.filter((candidate) => qualifies(node, candidate.result));
  if (eligible.length === 0) return { winner: null, key: '', reason: 'no candidate succeeded', usage: emptyUsage(), memoUsage: emptyMemoUsage() };
  const allowed = eligible.map((candidate) => candidate.id);
  const question = spec.judge ?? `Which candidate best achieves the goal: ${context.run.spec.goal}?`;
  const { result, key } = await callGateway(
    context,
    'selection',
    { role: spec.role ?? 'judge', system: TOURNAMENT_JUDGE_SYSTEM, prompt: `${question}\n\nCandidates: ${allowed.join(', ')}\n\n${describeEvidence(eligible.map((candidate) => candidate.result!))}`, responseFormat: 'json', nodeId: spec.id, modelPolicy: context.modelPolicy },
    (text) => parseWinner(text, allowed),
  );
  if (result.status !== 'succeeded') return { winner: null, key, reason: '', usage: result.usage, memoUsage: result.memo_usage, error: `judge failed: ${result.error ?? 'no answer'}` };
  const answer = result.data as { winner: string; reason: string };
  return { winner: answer.winner, key, reason: answer.reason, usage: result.usage, memoUsage: result.memo_usage };
}

function parseWinner(text: string, allowed: readonly string[]): { winner: string; reason: string } {
  const value = parseJsonReply(text) as { winner?: unknown; reason?: unknown } | null;
  if (!value || typeof value.winner !== 'string' || !allowed.includes(value.winner)) {
    throw new MalformedAnswerError(`the judge must answer {"winner": one of ${allowed.join(', ')}, "reason": "..."}`);
  }
  return { winner: value.winner, reason: typeof value.reason === 'string' ? value.reason : '' };
}
