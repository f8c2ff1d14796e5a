import { isMap, isPair, isScalar, type Document, type LineCounter, type Node } from 'yaml';
import type { SourcePosition } from '../util/index.js';

export type YamlPath = ReadonlyArray<string | number>;

/**
 * Finds where a path points in a parsed YAML document. When the path ends in a key that is
 * not there (a missing field) the nearest existing ancestor is used; `atKey` points at the key
 * itself rather than its value (for "unknown field" findings).
 */
export function yamlPosition(
  document: Document,
  lineCounter: LineCounter,
  file: string,
  path: YamlPath,
  atKey?: string,
): SourcePosition {
  for (let length = path.length; length >= 0; length -= 1) {
    const node = document.getIn(path.slice(0, length), true) as Node | undefined;
    if (!node || !('range' in node) || !node.range) continue;
    const keyNode = atKey !== undefined && length === path.length ? keyNodeIn(node, atKey) : undefined;
    const offset = (keyNode?.range ?? node.range)[0];
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  }
  return { file, line: 1, column: 1 };
}

function keyNodeIn(node: Node, key: string): Node | undefined {
  if (!isMap(node)) return undefined;
  for (const item of node.items) {
    if (isPair(item) && isScalar(item.key) && String(item.key.value) === key) return item.key;
  }
  return undefined;
}
