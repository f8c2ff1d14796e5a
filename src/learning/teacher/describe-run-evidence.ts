import type { RunEvidence } from './run-evidence.js';

/** Cap of the whole evidence text given to the teacher. */
export const MAX_EVIDENCE_CHARS = 24_000;
const FIELD_CHARS = 600;

/**
 * The evidence of finished runs as plain text for the teacher: what ran, which tests failed and
 * passed (with the end of their output), how long agents took, what tournaments decided and what
 * the losers produced, budget overruns, stopped leaves' diffs, cost per role. Bounded per field
 * and in total; it is untrusted data (repository content and model output) and says so.
 */
export function describeRunEvidence(evidence: readonly RunEvidence[], maxChars = MAX_EVIDENCE_CHARS): string {
  const sections = evidence.map(describeRun);
  let text = sections.join('\n\n');
  if (text.length > maxChars) text = `${text.slice(0, maxChars)}\n… (evidence cut at ${maxChars} characters)`;
  return text;
}

function describeRun(run: RunEvidence): string {
  const lines = [`## Run ${run.runId.slice(0, 8)} — workflow ${run.workflowId ?? '(no id)'} (${run.sourceFile ?? 'no file'}), goal: ${clip(run.spec.goal)}, status ${run.status}`];
  if (run.tests.length > 0) {
    lines.push('### Tests (in the order they finished)');
    for (const test of run.tests) {
      lines.push(`- ${test.nodeId}${test.iteration > 0 ? `#${test.iteration}` : ''}: \`${test.command ?? '(runner-reported)'}\` ${test.passed ? 'passed' : `FAILED (exit ${test.exitCode})`}${test.fileScope.length > 0 ? ` scope ${test.fileScope.join(', ')}` : ''}`);
      if (!test.passed && test.outputTail) lines.push(indent(clip(test.outputTail)));
    }
  }
  lines.push('### Leaves');
  for (const leaf of run.leaves) {
    lines.push(`- ${leaf.nodeId}${leaf.iteration > 0 ? `#${leaf.iteration}` : ''} role ${leaf.role ?? '?'}: ${leaf.status}${leaf.steps !== null ? `, ${leaf.steps} steps` : ''}, ${leaf.tokens} tokens, memo ${leaf.memoHits} hit/${leaf.memoMisses} miss${leaf.error ? `; error: ${clip(leaf.error)}` : ''}`);
  }
  const decisions = run.decisions.filter((decision) => decision.decision !== 'expansion');
  if (decisions.length > 0) {
    lines.push('### Decisions');
    for (const decision of decisions) lines.push(`- ${decision.decision} at ${decision.nodeId}${decision.iteration > 0 ? `#${decision.iteration}` : ''}: ${clip(decision.reason)}${describeValue(decision.decision, decision.value)}`);
  }
  if (run.overruns.length > 0) lines.push('### Budget overruns', ...run.overruns.map((overrun) => `- ${overrun.nodeId ?? 'run'}: ${overrun.budget} used ${overrun.used} of ${overrun.limit}`));
  if (run.stoppedDiffs.length > 0) lines.push('### Work of stopped leaves', ...run.stoppedDiffs.map((stopped) => `- ${stopped.nodeId}: ${clip(stopped.message)}\n${indent(clip(stopped.diff))}`));
  lines.push('### Cost per role', ...Object.entries(run.costByRole).map(([role, cost]) => `- ${role}: ${cost.tokens} tokens${cost.costMicrousd === null ? ', cost unknown' : `, $${(cost.costMicrousd / 1e6).toFixed(4)}`}`));
  return lines.join('\n');
}

function describeValue(kind: string, value: unknown): string {
  if (kind !== 'winner') return '';
  const { winner, losers } = value as { winner?: string; losers?: { id: string; status: string; output: string | null; error?: string; tests?: { passed: boolean; command: string | null }[] }[] };
  const described = (losers ?? []).map((loser) => `${loser.id} (${loser.status}${loser.error ? `: ${clip(loser.error, 200)}` : ''}${(loser.tests ?? []).some((test) => !test.passed) ? ', tests failed' : ''})`);
  return ` — winner ${winner ?? '?'}; losers: ${described.join(', ') || 'none'}`;
}

function clip(text: string, chars = FIELD_CHARS): string {
  const flat = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ');
  return flat.length > chars ? `${flat.slice(0, chars)}…` : flat;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
