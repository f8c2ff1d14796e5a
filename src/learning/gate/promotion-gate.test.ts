import { describe, expect, it } from 'vitest';
import { PromotionGateSchema } from '../../ir/index.js';
import type { TaskReplay, TaskFigures } from '../student/task-replay.js';
import { pairedBootstrapRatio } from './paired-bootstrap.js';
import { screenStage, validateStage, type GateSettings } from './promotion-gate.js';
import { seededRandom } from './seeded-random.js';
import { signTestPValue } from './sign-test.js';

const settings: GateSettings = { gate: PromotionGateSchema.parse({}), minTasks: 3, alpha: 0.05, bootstrapSamples: 2_000, seed: 1 };

function side(success: boolean, tokens: number, steps = 3): TaskFigures {
  return { score: success ? 1 : 0, success, cost_microusd: 0, tokens, work_tokens: tokens, steps, wall_ms: 10 };
}

function task(baseline: TaskFigures, candidate: TaskFigures, extra: Partial<TaskReplay> = {}): TaskReplay {
  return {
    task: { baselineRunId: `base-${Math.random()}`, workflowId: 'w', sourceFile: null, label: 'w' },
    comparisonRunId: 'c',
    candidateRunId: 'cand',
    applied: true,
    baseline,
    candidate,
    required_tests: [],
    policy_violations: [],
    stale: false,
    replay: { served: 1, live: 1, liveNodes: [], providerCalls: 1, paidTokens: 1, paidCostMicrousd: 0, rebased: false, rebaseProviderCalls: 0 },
    filesDigest: 'd',
    commit: null,
    ...extra,
  };
}

describe('the statistics', () => {
  it('sign test: exact one-sided binomial tail', () => {
    expect(signTestPValue(0, 0)).toBe(1);
    expect(signTestPValue(3, 0)).toBeCloseTo(0.125);
    expect(signTestPValue(5, 0)).toBeCloseTo(1 / 32);
    expect(signTestPValue(6, 1)).toBeCloseTo(8 / 128);
    expect(signTestPValue(1, 6)).toBeCloseTo(127 / 128);
  });

  it('paired bootstrap: reproducible from its seed, exact when every pair has the same ratio', () => {
    const pairs = [
      { baseline: 100, candidate: 60 },
      { baseline: 200, candidate: 150 },
      { baseline: 50, candidate: 45 },
      { baseline: 300, candidate: 120 },
    ];
    const once = pairedBootstrapRatio(pairs, { samples: 1_000, alpha: 0.05, random: seededRandom(7) });
    const again = pairedBootstrapRatio(pairs, { samples: 1_000, alpha: 0.05, random: seededRandom(7) });
    expect(once).toEqual(again);
    expect(once!.ratio).toBeCloseTo(375 / 650);
    expect(once!.low).toBeLessThanOrEqual(once!.ratio);
    expect(once!.high).toBeGreaterThanOrEqual(once!.ratio);
    expect(once!.high).toBeLessThan(1);
    const constant = pairedBootstrapRatio([{ baseline: 10, candidate: 5 }, { baseline: 20, candidate: 10 }], { samples: 200, alpha: 0.05, random: seededRandom(1) });
    expect(constant).toMatchObject({ ratio: 0.5, low: 0.5, high: 0.5 });
    expect(pairedBootstrapRatio([{ baseline: 0, candidate: 5 }], { samples: 10, alpha: 0.05, random: seededRandom(1) })).toBeNull();
  });
});

describe('screen', () => {
  it('passes a higher summed score, or the same score at lower cost, and rejects anything else', () => {
    expect(screenStage([task(side(false, 100), side(true, 150))], settings).decision).toBe('pass');
    expect(screenStage([task(side(true, 100), side(true, 90))], settings).decision).toBe('pass');
    const same = screenStage([task(side(false, 100), side(false, 100))], settings);
    expect(same.decision).toBe('reject');
    expect(same.reasons[0]).toMatch(/not better on its own evidence/);
    expect(screenStage([], settings).decision).toBe('inconclusive');
  });

  it("applies CodeWhale's vetoes first", () => {
    const better = (extra: Partial<TaskReplay>) => [task(side(false, 100), side(true, 50), extra)];
    expect(screenStage(better({ policy_violations: ['asks to run a new command'] }), settings).reasons[0]).toMatch(/policy violation \(reject_policy_violations\)/);
    expect(screenStage(better({ stale: true }), settings).reasons[0]).toMatch(/stale replay \(reject_stale_replay\)/);
    expect(screenStage(better({ required_tests: [{ nodeId: 'unit', iteration: 0, command: 'npm test', passed: false }] }), settings).reasons[0]).toMatch(/required tests failed \(require_all_tests_pass\): unit/);
    const lenient = { ...settings, gate: PromotionGateSchema.parse({ reject_stale_replay: false, require_all_tests_pass: false }) };
    expect(screenStage(better({ stale: true, required_tests: [{ nodeId: 'unit', iteration: 0, command: null, passed: false }] }), lenient).decision).toBe('pass');
    const capped = { ...settings, gate: PromotionGateSchema.parse({ max_cost_delta_microusd: 10 }) };
    const pricey = [task({ ...side(true, 100), cost_microusd: 100 }, { ...side(true, 100), cost_microusd: 200 })];
    expect(screenStage(pricey, capped).reasons[0]).toMatch(/cost rose by 100 µ\$ per task on average, above max_cost_delta_microusd 10/);
  });
});

describe('validate', () => {
  it('needs at least min_tasks paired tasks', () => {
    const decision = validateStage([task(side(false, 100), side(true, 100))], settings);
    expect(decision.decision).toBe('inconclusive');
    expect(decision.reasons[0]).toMatch(/needs at least 3/);
  });

  it('promotes a significant rise in success (sign test)', () => {
    const rising = Array.from({ length: 6 }, () => task(side(false, 100), side(true, 100)));
    const decision = validateStage(rising, settings);
    expect(decision).toMatchObject({ decision: 'pass', figures: { wins: 6, losses: 0 } });
    expect(decision.figures.signTestP).toBeCloseTo(1 / 64);
  });

  it('holds a rise that is not yet significant, and rejects a fall', () => {
    const few = [task(side(false, 100), side(true, 100)), task(side(false, 100), side(true, 100)), task(side(true, 100), side(true, 100))];
    expect(validateStage(few, settings)).toMatchObject({ decision: 'inconclusive' });
    const falling = [task(side(true, 100), side(false, 50)), task(side(true, 100), side(true, 50)), task(side(true, 100), side(true, 50))];
    expect(validateStage(falling, settings).reasons[0]).toMatch(/success fell/);
  });

  it('promotes equal success at a cost whose whole bootstrap interval is below 1; rejects a cost rise or no change', () => {
    const cheaper = [task(side(true, 1000), side(true, 600)), task(side(true, 800), side(true, 500)), task(side(true, 900), side(true, 700))];
    const decision = validateStage(cheaper, settings);
    expect(decision.decision).toBe('pass');
    expect(decision.reasons[0]).toMatch(/cheaper at no loss of success — tokens ratio 0\.667, 95% paired bootstrap interval \[0\.\d+, 0\.\d+\]/);
    const dearer = [task(side(true, 500), side(true, 600)), task(side(true, 500), side(true, 700)), task(side(true, 500), side(true, 550))];
    expect(validateStage(dearer, settings).reasons[0]).toMatch(/costs more with no gain in success/);
    const mixed = [task(side(true, 500), side(true, 300)), task(side(true, 500), side(true, 700)), task(side(true, 500), side(true, 500))];
    expect(validateStage(mixed, settings).reasons[0]).toMatch(/no measurable benefit/);
  });
});
