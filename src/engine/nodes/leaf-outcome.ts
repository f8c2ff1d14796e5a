import type { LeafSpec } from '../../ir/index.js';
import type { EffectResult } from '../contracts/index.js';

/** What a test/shell leaf's result says about its command. */
export interface TestOutcome {
  readonly command: string | null;
  readonly exitCode: number;
  readonly expected: number;
  readonly passed: boolean;
}

/** The exit code a runner reported in `data.exit_code`, if any. */
export function exitCodeOf(result: EffectResult): number | undefined {
  const data = result.data as { exit_code?: unknown } | undefined;
  return typeof data?.exit_code === 'number' ? data.exit_code : undefined;
}

/** A score a runner or judge reported in `data.score`, if any. */
export function scoreOf(data: unknown): number | undefined {
  const score = (data as { score?: unknown } | undefined)?.score;
  return typeof score === 'number' ? score : undefined;
}

/**
 * A leaf with a command, or whose runner reported an exit code, is a test: it passes when the
 * exit code is the expected one (expect_exit, else 0). Decided from the result, never from prose.
 */
export function testOutcomeOf(leaf: LeafSpec, result: EffectResult): TestOutcome | undefined {
  const exitCode = exitCodeOf(result);
  if (exitCode === undefined && leaf.command === undefined) return undefined;
  const expected = leaf.expect_exit ?? 0;
  const code = exitCode ?? (result.status === 'succeeded' ? 0 : 1);
  return { command: leaf.command ?? null, exitCode: code, expected, passed: result.status === 'succeeded' && code === expected };
}
