import { emptyMemoUsage, emptyUsage, type ConditionSpec, type MemoUsage, type NodeResult, type Usage } from '../../ir/index.js';
import { DeterminismViolation } from '../contracts/index.js';
import { callGateway, performComputed } from '../effects/call-gateway.js';
import { parseJudgeAnswer, type JudgeAnswer } from '../effects/parse-json-answer.js';
import type { NodeContext } from '../run/run-context.js';
import { describeEvidence } from './describe-evidence.js';
import { errorMessage } from './node-result.js';

export interface ConditionDecision {
  readonly answer: boolean;
  readonly reason: string;
  readonly usage: Usage;
  readonly memoUsage: MemoUsage;
  /** Set when no decision could be made (the judge failed or answered out of shape). */
  readonly error?: string;
  readonly diverged?: boolean;
}

export const JUDGE_SYSTEM =
  'You are a strict judge of a coding workflow. Answer the question about the evidence with JSON only: ' +
  '{"answer": true or false, "reason": "one sentence"}.';

/**
 * Decides a loop's or cond's condition and records it as a decision event: `tests_pass` from
 * the named test leaves' results, otherwise a judge model call on the question (the structured
 * `judge`, else the free-text condition). Never by parsing prose.
 */
export async function decideCondition(
  context: NodeContext,
  nodeId: string,
  structured: ConditionSpec | undefined,
  freeText: string,
  evidence: readonly NodeResult[],
): Promise<ConditionDecision> {
  let decision: ConditionDecision;
  let key = '';
  try {
    if (structured && 'tests_pass' in structured) {
      const tests = structured.tests_pass;
      const outcome = await performComputed(context, 'decision', nodeId, { tests_pass: tests, results: tests.map((id) => testState(context, id)) }, () =>
        decideByTests(context, tests),
      );
      key = outcome.key;
      const answer = outcome.result.data as JudgeAnswer;
      decision = { answer: answer.answer, reason: answer.reason, usage: emptyUsage(), memoUsage: emptyMemoUsage() };
    } else {
      const question = structured && 'judge' in structured ? structured.judge : freeText;
      const outcome = await callGateway(
        context,
        'decision',
        { role: 'judge', system: JUDGE_SYSTEM, prompt: `Question: ${question}\n\nWorkflow goal: ${context.run.spec.goal}\n\n${describeEvidence(evidence)}`, responseFormat: 'json', nodeId, modelPolicy: context.modelPolicy },
        parseJudgeAnswer,
      );
      key = outcome.key;
      const { result } = outcome;
      if (result.status !== 'succeeded') {
        decision = { answer: false, reason: '', usage: result.usage, memoUsage: result.memo_usage, error: `judge failed: ${result.error ?? 'no answer'}` };
      } else {
        const answer = result.data as JudgeAnswer;
        decision = { answer: answer.answer, reason: answer.reason, usage: result.usage, memoUsage: result.memo_usage };
      }
    }
  } catch (error) {
    if (context.scope.reason) throw error;
    return { answer: false, reason: '', usage: emptyUsage(), memoUsage: emptyMemoUsage(), error: errorMessage(error), diverged: error instanceof DeterminismViolation };
  }
  if (decision.error === undefined) {
    context.run.emit({ type: 'decision', nodeId, iteration: context.iteration, key, decision: 'condition', value: { answer: decision.answer }, reason: decision.reason });
  }
  return decision;
}

function testState(context: NodeContext, id: string): string {
  return context.run.registry.peek(id)?.status ?? 'absent';
}

function decideByTests(context: NodeContext, tests: readonly string[]): JudgeAnswer {
  const states = tests.map((id) => ({ id, result: context.run.registry.peek(id) }));
  const failing = states.filter(({ result }) => result?.status !== 'succeeded');
  if (failing.length === 0) return { answer: true, reason: `all tests passed: ${tests.join(', ')}` };
  return { answer: false, reason: failing.map(({ id, result }) => `${id} ${result ? result.status : 'did not run'}${result?.error ? ` (${result.error})` : ''}`).join('; ') };
}
