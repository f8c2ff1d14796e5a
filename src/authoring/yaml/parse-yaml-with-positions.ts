import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import type { Diagnostic } from '../../util/index.js';
import type { DocumentPath, SpecSource } from '../../ir/index.js';
import { MAX_NESTING } from '../limits.js';

/**
 * Reads YAML (the same shape as the JSON form) and records the position of every key and
 * list item into `source`. Duplicate keys, syntax errors and alias bombs are diagnostics.
 */
export function parseYamlWithPositions(file: string, text: string, source: SpecSource): { value: unknown } | { diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const problems = [...document.errors, ...document.warnings.filter((warning) => warning.code !== 'TAG_RESOLVE_FAILED')];
  if (document.errors.length > 0) {
    return {
      diagnostics: problems.map((problem) => ({
        severity: 'error' as const,
        code: 'yaml-syntax',
        message: problem.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''),
        position: position(problem.pos[0]),
      })),
    };
  }
  const depthProblem = recordPositions(document.contents, [], source, position);
  if (depthProblem) return { diagnostics: [depthProblem] };
  const value: unknown = document.toJS({ maxAliasCount: 100 });
  return { value };
}

/** Walks the YAML tree without recursion so a deeply nested file cannot overflow the stack. */
function recordPositions(
  root: unknown,
  rootPath: DocumentPath,
  source: SpecSource,
  position: (offset: number) => ReturnType<SpecSource['positionOf']> & object,
): Diagnostic | undefined {
  const pending: { node: unknown; path: DocumentPath; depth: number }[] = [{ node: root, path: rootPath, depth: 0 }];
  while (pending.length > 0) {
    const { node, path, depth } = pending.pop()!;
    if (depth > MAX_NESTING) {
      const range = (node as YamlNode).range;
      return {
        severity: 'error',
        code: 'too-deep',
        message: `nesting is deeper than ${MAX_NESTING} levels`,
        ...(range ? { position: position(range[0]) } : {}),
      };
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key === undefined) continue;
        const childPath = [...path, key];
        const keyRange = (pair.key as YamlNode).range;
        if (keyRange) source.record(childPath, position(keyRange[0]));
        pending.push({ node: pair.value, path: childPath, depth: depth + 1 });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        const childPath = [...path, index];
        const range = (item as YamlNode | null)?.range;
        if (range) source.record(childPath, position(range[0]));
        pending.push({ node: item, path: childPath, depth: depth + 1 });
      });
    } else if (isAlias(node)) {
      continue;
    }
  }
  return undefined;
}
