import type { NodeResult } from '../../ir/index.js';

const MAX_EVIDENCE_CHARS = 4_000;

/** Results as a model reads them: one section per node with its status and (trimmed) output. */
export function describeEvidence(results: readonly NodeResult[]): string {
  if (results.length === 0) return 'Evidence: none.';
  const sections = results.map((result) => evidenceSection(result, MAX_EVIDENCE_CHARS));
  return `Evidence:\n${sections.join('\n\n')}`;
}

/** One result as a model reads it: `### id (status)` and its output, cut at `maxChars` when given. */
export function evidenceSection(result: NodeResult, maxChars = Number.POSITIVE_INFINITY): string {
  const output = result.output ?? '(no output)';
  const trimmed = output.length > maxChars ? `${output.slice(0, maxChars)}\n[… ${output.length - maxChars} more characters]` : output;
  return `### ${result.id} (${result.status})\n${trimmed}`;
}

/** The leaves of a result tree, in declaration order: what a judge looks at. */
export function leafResults(results: readonly NodeResult[]): NodeResult[] {
  const leaves: NodeResult[] = [];
  const visit = (result: NodeResult): void => {
    if (result.children) result.children.forEach(visit);
    else leaves.push(result);
  };
  results.forEach(visit);
  return leaves;
}
