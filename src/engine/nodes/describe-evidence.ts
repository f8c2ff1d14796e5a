import type { NodeResult } from '../../ir/index.js';

const MAX_EVIDENCE_CHARS = 4_000;

/** Results as a model reads them: one section per node with its status and (trimmed) output. */
export function describeEvidence(results: readonly NodeResult[]): string {
  if (results.length === 0) return 'Evidence: none.';
  const sections = results.map((result) => {
    const output = result.output ?? '(no output)';
    const trimmed = output.length > MAX_EVIDENCE_CHARS ? `${output.slice(0, MAX_EVIDENCE_CHARS)}\n[… ${output.length - MAX_EVIDENCE_CHARS} more characters]` : output;
    return `### ${result.id} (${result.status})\n${trimmed}`;
  });
  return `Evidence:\n${sections.join('\n\n')}`;
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
