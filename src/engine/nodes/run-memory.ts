import { emptyMemoUsage, emptyUsage, memoryContextName, type NodeOfKind, type NodeResult } from '../../ir/index.js';
import { sha256Hex } from '../../util/index.js';
import type { EffectResult, LoadedContext } from '../contracts/index.js';
import { decisionKey } from '../effects/decision-key.js';
import { performEffect } from '../effects/perform-effect.js';
import { commandRefusal } from '../permissions/index.js';
import type { NodeContext } from '../run/run-context.js';
import { cancelledResult, errorMessage, failedResult, nodeResult } from './node-result.js';
import { resolveReferences } from './resolve-references.js';

export const MEMORY_DISABLED_MESSAGE = 'external memory is not enabled: set memory.enabled: true in whaleflow.config.yaml (docs/memory.md)';

/**
 * A memory node: loads its source into the project's memory store, as one recorded effect.
 * Loading reads the world (files, a command, the store), so a replay serves the recorded
 * version (name, hash, size) and never touches the store; leaves that declare the context read
 * that version, whatever the store holds by then.
 */
export async function runMemory(node: NodeOfKind<'memory'>, context: NodeContext): Promise<NodeResult> {
  const { spec } = node;
  const { scope, run } = context;
  if (scope.reason) return cancelledResult(node, scope.reason);
  // A command is authority: the same rule as a leaf's (below an expansion, only its template's commands).
  const refusal = spec.source.command === undefined ? undefined : commandRefusal(spec.source.command, context.permissions, run.settings.grant);
  if (refusal) return failedResult(node, `permission refused: loads the output of a command: ${refusal}`);
  let nodeOutput: string | null | undefined;
  if (spec.source.node !== undefined) {
    const references = await resolveReferences(context, spec.id, [spec.source.node], 'source.node');
    if (scope.reason) return cancelledResult(node, scope.reason);
    if (references.problems.length > 0) return failedResult(node, references.problems.join('; '));
    nodeOutput = references.results.get(spec.source.node)?.output ?? null;
  }
  const name = memoryContextName(spec);
  const fileScope = spec.file_scope.length > 0 ? spec.file_scope : context.permissions.fileScope;
  // What is asked, not what is found: the files' text is the world the effect reads.
  const input = {
    name,
    source: spec.source,
    file_scope: fileScope,
    ...(spec.max_bytes !== undefined ? { max_bytes: spec.max_bytes } : {}),
    ...(nodeOutput !== undefined ? { node_output_sha256: nodeOutput === null ? null : sha256Hex(nodeOutput) } : {}),
  };
  const live = async (): Promise<EffectResult> => {
    const port = run.settings.memory;
    if (!port) return loadFailed(MEMORY_DISABLED_MESSAGE);
    try {
      const loaded = await port.load(
        {
          runId: run.settings.runId,
          nodeId: spec.id,
          name,
          source: spec.source,
          fileScope,
          allowNetwork: context.permissions.allowNetwork && run.settings.grant.allowNetwork,
          ...(nodeOutput !== undefined ? { nodeOutput } : {}),
          ...(spec.max_bytes !== undefined ? { maxBytes: spec.max_bytes } : {}),
        },
        scope.signal,
      );
      return { status: 'succeeded', output: describeLoaded(spec.id, loaded), data: { context: loaded }, usage: emptyUsage(), memo_usage: emptyMemoUsage() };
    } catch (error) {
      if (scope.reason) throw error;
      return loadFailed(`loading context "${name}" failed: ${errorMessage(error)}`);
    }
  };
  const { result } = await performEffect(context, { kind: 'memory', key: decisionKey(spec.id, context.iteration, input), nodeId: spec.id, input }, live);
  if (scope.reason) return cancelledResult(node, scope.reason);
  if (result.status !== 'succeeded') return failedResult(node, result.error ?? 'loading the context failed');
  return nodeResult(node, 'succeeded', { output: result.output, details: { memory: loadedContextOf(result) } });
}

function loadFailed(error: string): EffectResult {
  return { status: 'failed', output: null, error, usage: emptyUsage(), memo_usage: emptyMemoUsage() };
}

/** A one-line account of a loaded context, the memory node's output (never the text itself). */
export function describeLoaded(id: string, loaded: LoadedContext): string {
  const files = loaded.files ? `, ${loaded.files.length} file${loaded.files.length === 1 ? '' : 's'}` : '';
  return `context "${id}" loaded: ${loaded.bytes} bytes, ${loaded.lines} lines${files} (sha256 ${loaded.hash.slice(0, 12)})`;
}

/** The loaded version a memory node's recorded result carries. */
export function loadedContextOf(result: Pick<EffectResult, 'data'>): LoadedContext | undefined {
  const data = result.data as { context?: LoadedContext } | undefined;
  return data?.context;
}
