import type { NodeResult } from '../../ir/index.js';
import type { EnginePatch } from '../contracts/index.js';
import { evidenceSection, leafResults } from './describe-evidence.js';

/**
 * What a reference (a reduce's `inputs`, a leaf's `depends_on_results`) reads of the node it
 * names. A leaf, reduce or review has an output of its own. A container (branch, sequence,
 * loop, cond, expand) has none: it reads as the results of what it contains that produced an
 * output, in declaration order — what users mean by "reduce over the branch". Runs recorded
 * before the `container-references` patch read a container's own output (null), and replay
 * them that way. Appended to `into`: a fan-in over 10,000 leaves builds one list, not 10,000 of one.
 */
export function appendReferencedResults(into: NodeResult[], result: NodeResult, patches: ReadonlySet<EnginePatch>): NodeResult[] {
  if (!result.children || !patches.has('container-references')) into.push(result);
  else for (const contained of leafResults(result.children)) into.push(contained);
  return into;
}

/**
 * The one string (or null) a leaf's resolved input holds for a reference — the leaf input hash
 * keeps CodeWhale's shape (`{id: output-or-null}`), so a reference to a leaf hashes exactly as
 * upstream. A container's is one `### id (status)` section per result it contains, in
 * declaration order, or null when it contains none.
 */
export function referencedOutput(result: NodeResult | undefined, patches: ReadonlySet<EnginePatch>): string | null {
  if (!result) return null;
  if (!result.children || !patches.has('container-references')) return result.output ?? null;
  const contained = leafResults(result.children);
  return contained.length === 0 ? null : contained.map((child) => evidenceSection(child)).join('\n\n');
}
