import type { PromotionGate } from '../../ir/index.js';
import type { TaskReplay } from '../student/task-replay.js';
import { pairedBootstrapRatio, type RatioInterval } from './paired-bootstrap.js';
import { seededRandom } from './seeded-random.js';
import { signTestPValue } from './sign-test.js';

export interface GateSettings {
  /** CodeWhale's vetoes: the IR's promotion_policy.promotion_gate. */
  readonly gate: PromotionGate;
  readonly minTasks: number;
  readonly alpha: number;
  readonly bootstrapSamples: number;
  readonly seed: number;
}

export type GateStage = 'screen' | 'validate';
export type StageOutcome = 'pass' | 'reject' | 'inconclusive';

export interface GateFigures {
  readonly tasks: number;
  readonly applied: number;
  readonly baselineScore: number;
  readonly candidateScore: number;
  readonly wins: number;
  readonly losses: number;
  /** One-sided sign test p-value that the candidate succeeds more often (validate only). */
  readonly signTestP: number | null;
  /** What "cost" is: microdollars when every price is known and the baseline cost something, else the tokens the work needed. */
  readonly costMeasure: 'cost_microusd' | 'work_tokens';
  readonly baselineCost: number;
  readonly candidateCost: number;
  readonly costRatio: RatioInterval | null;
  readonly meanCostDeltaMicrousd: number | null;
  readonly baselineSteps: number;
  readonly candidateSteps: number;
}

export interface StageDecision {
  readonly stage: GateStage;
  readonly decision: StageOutcome;
  readonly reasons: readonly string[];
  readonly figures: GateFigures;
}

/**
 * Stage one (GEPA's minibatch check), on the lesson's own evidence tasks: the candidate must score
 * strictly higher in sum, or the same at a lower cost. CodeWhale's vetoes apply first.
 */
export function screenStage(replays: readonly TaskReplay[], settings: GateSettings): StageDecision {
  const figures = figuresOf(replays, settings, false);
  const decide = (decision: StageOutcome, ...reasons: string[]): StageDecision => ({ stage: 'screen', decision, reasons, figures });
  if (replays.length === 0) return decide('inconclusive', 'no evidence task could be replayed');
  const vetoes = vetoesOf(replays, settings.gate, figures);
  if (vetoes.length > 0) return decide('reject', ...vetoes);
  if (figures.applied === 0) return decide('reject', `the lesson applies to none of its ${replays.length} evidence task(s) (${replays[0]!.skippedReason ?? 'not in scope'})`);
  const scores = `score ${figures.baselineScore} → ${figures.candidateScore} of ${figures.tasks}`;
  const costs = `${measureName(figures)} ${figures.baselineCost} → ${figures.candidateCost}`;
  if (figures.candidateScore > figures.baselineScore) return decide('pass', `screen: the score rose on its evidence (${scores}; ${costs})`);
  if (figures.candidateScore === figures.baselineScore && figures.candidateCost < figures.baselineCost) return decide('pass', `screen: equal score at lower cost on its evidence (${scores}; ${costs})`);
  return decide('reject', `screen: not better on its own evidence — neither a higher score nor the same score at lower cost (${scores}; ${costs}; steps ${figures.baselineSteps} → ${figures.candidateSteps})`);
}

/**
 * Stage two, on held-out tasks that did not produce the lesson: paired per-task comparisons,
 * at least `minTasks` of them. Success: the exact sign test over tasks where one side succeeded
 * and the other did not. Cost: a paired bootstrap interval of Σcandidate/Σbaseline. Promote when
 * success rose by at least min_score_delta with p ≤ alpha, or success did not fall and the whole
 * interval lies below 1; reject when success fell, or nothing measurably improved.
 */
export function validateStage(replays: readonly TaskReplay[], settings: GateSettings): StageDecision {
  const figures = figuresOf(replays, settings, true);
  const decide = (decision: StageOutcome, ...reasons: string[]): StageDecision => ({ stage: 'validate', decision, reasons, figures });
  if (replays.length < settings.minTasks) {
    return decide('inconclusive', `validate: ${replays.length} held-out task(s), the gate needs at least ${settings.minTasks} (learning.min_tasks); give more with --runs or --tasks`);
  }
  const vetoes = vetoesOf(replays, settings.gate, figures);
  if (vetoes.length > 0) return decide('reject', ...vetoes);
  if (figures.applied === 0) return decide('reject', `the lesson applies to none of the ${replays.length} held-out tasks`);
  const delta = figures.wins - figures.losses;
  const success = `success ${figures.baselineScore} → ${figures.candidateScore} of ${figures.tasks} (${figures.wins} better, ${figures.losses} worse; sign test p = ${formatP(figures.signTestP!)})`;
  const ratio = figures.costRatio;
  const cost = ratio
    ? `${measureName(figures)} ratio ${ratio.ratio.toFixed(3)}, ${Math.round(ratio.level * 100)}% paired bootstrap interval [${ratio.low.toFixed(3)}, ${ratio.high.toFixed(3)}]`
    : `${measureName(figures)} ${figures.baselineCost} → ${figures.candidateCost} (no ratio: the baseline cost nothing)`;
  if (delta < 0) return decide('reject', `validate: success fell — ${success}; ${cost}`);
  if (delta >= settings.gate.min_score_delta && figures.signTestP! <= settings.alpha) return decide('pass', `validate: success rose — ${success}; ${cost}`);
  if (ratio && ratio.high < 1) return decide('pass', `validate: cheaper at no loss of success — ${cost}; ${success}`);
  if (delta >= settings.gate.min_score_delta) return decide('inconclusive', `validate: success rose but not significantly (p > ${settings.alpha}) — ${success}; ${cost}; add held-out tasks to decide`);
  if (ratio && ratio.low > 1) return decide('reject', `validate: costs more with no gain in success — ${cost}; ${success}`);
  return decide('reject', `validate: no measurable benefit — ${success}; ${cost}`);
}

/** CodeWhale's vetoes, each a reason to reject. */
function vetoesOf(replays: readonly TaskReplay[], gate: PromotionGate, figures: GateFigures): string[] {
  const reasons: string[] = [];
  const violations = [...new Set(replays.flatMap((replay) => replay.policy_violations))];
  if (gate.reject_policy_violations && violations.length > 0) reasons.push(`policy violation (reject_policy_violations): ${violations.join('; ')}`);
  const stale = replays.filter((replay) => replay.stale);
  if (gate.reject_stale_replay && stale.length > 0) reasons.push(`stale replay (reject_stale_replay): the lesson's files changed since baseline run(s) ${stale.map((replay) => replay.task.baselineRunId.slice(0, 8)).join(', ')}`);
  if (gate.require_all_tests_pass) {
    const failing = replays.flatMap((replay) => replay.required_tests.filter((test) => !test.passed).map((test) => `${test.nodeId}${test.iteration > 0 ? `#${test.iteration}` : ''} in ${replay.candidateRunId?.slice(0, 8)}`));
    if (failing.length > 0) reasons.push(`required tests failed (require_all_tests_pass): ${failing.slice(0, 5).join(', ')}`);
  }
  if (gate.max_cost_delta_microusd !== null && figures.meanCostDeltaMicrousd !== null && figures.meanCostDeltaMicrousd > gate.max_cost_delta_microusd) {
    reasons.push(`cost rose by ${figures.meanCostDeltaMicrousd} µ$ per task on average, above max_cost_delta_microusd ${gate.max_cost_delta_microusd}`);
  }
  return reasons;
}

function figuresOf(replays: readonly TaskReplay[], settings: GateSettings, withStatistics: boolean): GateFigures {
  const priced = replays.length > 0 && replays.every((replay) => replay.baseline.cost_microusd !== null && replay.candidate.cost_microusd !== null);
  const pricedTotal = priced ? replays.reduce((sum, replay) => sum + replay.baseline.cost_microusd!, 0) : 0;
  const costMeasure = priced && pricedTotal > 0 ? 'cost_microusd' : 'work_tokens';
  const costOf = (side: TaskReplay['baseline']): number => (costMeasure === 'cost_microusd' ? side.cost_microusd! : side.work_tokens);
  const sum = (pick: (replay: TaskReplay) => number): number => replays.reduce((total, replay) => total + pick(replay), 0);
  const wins = replays.filter((replay) => replay.candidate.success && !replay.baseline.success).length;
  const losses = replays.filter((replay) => !replay.candidate.success && replay.baseline.success).length;
  const pairs = replays.map((replay) => ({ baseline: costOf(replay.baseline), candidate: costOf(replay.candidate) }));
  return {
    tasks: replays.length,
    applied: replays.filter((replay) => replay.applied).length,
    baselineScore: sum((replay) => replay.baseline.score),
    candidateScore: sum((replay) => replay.candidate.score),
    wins,
    losses,
    signTestP: withStatistics ? signTestPValue(wins, losses) : null,
    costMeasure,
    baselineCost: sum((replay) => costOf(replay.baseline)),
    candidateCost: sum((replay) => costOf(replay.candidate)),
    costRatio: withStatistics ? pairedBootstrapRatio(pairs, { samples: settings.bootstrapSamples, alpha: settings.alpha, random: seededRandom(settings.seed) }) : null,
    meanCostDeltaMicrousd: priced && replays.length > 0 ? Math.round(sum((replay) => replay.candidate.cost_microusd! - replay.baseline.cost_microusd!) / replays.length) : null,
    baselineSteps: sum((replay) => replay.baseline.steps),
    candidateSteps: sum((replay) => replay.candidate.steps),
  };
}

function measureName(figures: GateFigures): string {
  return figures.costMeasure === 'cost_microusd' ? 'cost µ$' : 'tokens';
}

function formatP(p: number): string {
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}
