import jsYaml from 'js-yaml';
import type { Diagnostic } from '../../util/index.js';
import type { DocumentPath, SpecSource } from '../../ir/index.js';
import { MAX_NESTING } from '../limits.js';
import type { SourceText } from '../source-text.js';

/** A node as js-yaml's event listener reports it: where it starts and what it contains. */
interface NodeFrame {
  readonly start: number;
  readonly children: NodeFrame[];
  kind?: string;
}

/**
 * Reads YAML (the same shape as the JSON form) and records the position of every key and list
 * item into `source`. js-yaml is used for speed (a 10,000-node file in well under a second);
 * its open/close events give each node's start offset, paired here with the loaded value.
 */
export function parseYamlWithPositions(text: SourceText, source: SpecSource): { value: unknown } | { diagnostics: Diagnostic[] } {
  const root: NodeFrame = { start: 0, children: [] };
  const stack: NodeFrame[] = [root];
  let value: unknown;
  try {
    value = jsYaml.load(text.text, {
      filename: text.file,
      schema: jsYaml.CORE_SCHEMA,
      listener(event, state) {
        if (event === 'open') {
          if (stack.length > MAX_NESTING * 2) throw new NestingError(state.position);
          const frame: NodeFrame = { start: state.position, children: [] };
          stack[stack.length - 1]!.children.push(frame);
          stack.push(frame);
        } else {
          const frame = stack.pop();
          if (frame) frame.kind = state.kind ?? undefined;
        }
      },
    });
  } catch (error) {
    return { diagnostics: [toDiagnostic(error, text)] };
  }
  const document = root.children[0];
  if (document) recordPositions(document, value, [], source, text);
  return { value };
}

class NestingError extends Error {
  constructor(readonly offset: number) {
    super(`nesting is deeper than ${MAX_NESTING} levels`);
  }
}

function toDiagnostic(error: unknown, text: SourceText): Diagnostic {
  if (error instanceof NestingError) {
    return { severity: 'error', code: 'too-deep', message: error.message, position: text.positionAt(error.offset) };
  }
  if (error instanceof RangeError) {
    return { severity: 'error', code: 'too-deep', message: `nesting is deeper than ${MAX_NESTING} levels`, position: text.positionAt(0) };
  }
  if (error instanceof jsYaml.YAMLException) {
    const mark = error.mark as { position?: number } | undefined;
    return {
      severity: 'error',
      code: 'yaml-syntax',
      message: error.reason,
      position: text.positionAt(mark?.position ?? 0),
    };
  }
  throw error;
}

/**
 * Walks the frame tree beside the value without recursion. A mapping's frames come as
 * key, value, key, value…; a sequence's as its items. Where the two disagree (merge keys,
 * aliases) the subtree simply gets no positions of its own and falls back to its parent's.
 */
function recordPositions(rootFrame: NodeFrame, rootValue: unknown, rootPath: DocumentPath, source: SpecSource, text: SourceText): void {
  const pending: { frame: NodeFrame; value: unknown; path: DocumentPath }[] = [{ frame: rootFrame, value: rootValue, path: rootPath }];
  while (pending.length > 0) {
    const next = pending.pop()!;
    const { value, path } = next;
    const frame = unwrap(next.frame);
    if (Array.isArray(value)) {
      if (frame.children.length !== value.length) continue;
      value.forEach((item, index) => {
        const child = frame.children[index]!;
        source.record([...path, index], text.positionAt(child.start));
        pending.push({ frame: child, value: item, path: [...path, index] });
      });
    } else if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value);
      if (frame.children.length !== entries.length * 2) continue;
      entries.forEach(([key, item], index) => {
        const keyFrame = frame.children[2 * index]!;
        const valueFrame = frame.children[2 * index + 1]!;
        source.record([...path, key], text.positionAt(keyFrame.start));
        pending.push({ frame: valueFrame, value: item, path: [...path, key] });
      });
    }
  }
}

/** js-yaml reports a block sequence entry as an extra node around the entry itself, at the same offset. */
function unwrap(frame: NodeFrame): NodeFrame {
  let inner = frame;
  while (inner.children.length === 1 && inner.children[0]!.start === inner.start) inner = inner.children[0]!;
  return inner;
}
