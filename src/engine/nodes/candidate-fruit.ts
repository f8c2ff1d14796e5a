import type { NodeResult } from '../../ir/index.js';
import type { EffectArtifact } from '../contracts/index.js';
import type { ResultRegistry } from '../run/result-registry.js';
import { leafResults } from './describe-evidence.js';

/**
 * What a candidate produced, kept for the teacher whether it won or lost: its outcome,
 * output, usage, diffs and test feedback.
 */
export interface CandidateFruit {
  readonly id: string;
  readonly status: string;
  readonly output: string | null;
  readonly error?: string;
  readonly costMicrousd: number | null;
  readonly tokens: number;
  readonly score?: number;
  readonly diffs: readonly { readonly nodeId: string; readonly name: string; readonly content: string }[];
  readonly tests: readonly { readonly nodeId: string; readonly passed: boolean; readonly exitCode: number; readonly command: string | null }[];
}

export function candidateFruit(id: string, result: NodeResult | null | undefined): CandidateFruit {
  if (!result) return { id, status: 'absent', output: null, costMicrousd: 0, tokens: 0, diffs: [], tests: [] };
  const leaves = leafResults([result]);
  const diffs = leaves.flatMap((leaf) =>
    ((leaf.details?.artifacts as EffectArtifact[] | undefined) ?? []).filter((artifact) => artifact.kind === 'diff').map((artifact) => ({ nodeId: leaf.id, name: artifact.name, content: artifact.content })),
  );
  const tests = leaves.flatMap((leaf) => {
    const test = leaf.details?.test as { passed: boolean; exitCode: number; command: string | null } | undefined;
    return test ? [{ nodeId: leaf.id, passed: test.passed, exitCode: test.exitCode, command: test.command }] : [];
  });
  const score = candidateScore(result);
  return {
    id,
    status: result.status,
    output: result.output,
    ...(result.error !== undefined ? { error: result.error } : {}),
    costMicrousd: result.usage.cost_microusd,
    tokens: result.usage.input_tokens + result.usage.output_tokens,
    ...(score !== undefined ? { score } : {}),
    diffs,
    tests,
  };
}

/** A candidate's score: its own, else the last scored leaf inside it. */
export function candidateScore(result: NodeResult): number | undefined {
  const own = result.details?.score;
  if (typeof own === 'number') return own;
  let found: number | undefined;
  for (const leaf of leafResults([result])) if (typeof leaf.details?.score === 'number') found = leaf.details.score;
  return found;
}

/** Total changed lines over a candidate's diffs (lines starting with + or -, headers excluded). */
export function diffSize(fruit: CandidateFruit): number {
  let lines = 0;
  for (const diff of fruit.diffs) {
    for (const line of diff.content.split('\n')) {
      if ((line.startsWith('+') || line.startsWith('-')) && !line.startsWith('+++') && !line.startsWith('---')) lines += 1;
    }
  }
  return lines;
}

export function latencyOf(registry: ResultRegistry, id: string): number {
  const { startedAt, finishedAt } = registry.timing(id);
  return startedAt !== undefined && finishedAt !== undefined ? finishedAt - startedAt : Number.POSITIVE_INFINITY;
}
