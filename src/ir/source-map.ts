import type { SourcePosition } from '../util/index.js';

/** A path into the raw document, e.g. `['nodes', 0, 'spec', 'prompt']`. */
export type DocumentPath = readonly (string | number)[];

export function pathKey(path: DocumentPath): string {
  return path.join('/');
}

/** `nodes[0].spec.prompt`, for messages. */
export function formatDocumentPath(path: DocumentPath): string {
  let text = '';
  for (const segment of path) text += typeof segment === 'number' ? `[${segment}]` : text ? `.${segment}` : segment;
  return text || '(document)';
}

/**
 * Where the parts of a spec came from. Authoring front-ends fill it; validation uses it to put
 * `file:line:col` on every diagnostic. A path with no entry of its own falls back to its
 * nearest ancestor that has one, so a front-end may record only node-level positions.
 */
export class SpecSource {
  private readonly positions = new Map<string, SourcePosition>();

  constructor(readonly file: string) {}

  record(path: DocumentPath, position: SourcePosition): void {
    this.positions.set(pathKey(path), position);
  }

  /** True when the source itself wrote this path (as opposed to a default filling it). */
  declares(path: DocumentPath): boolean {
    return this.positions.has(pathKey(path));
  }

  positionOf(path: DocumentPath): SourcePosition | undefined {
    for (let length = path.length; length >= 0; length -= 1) {
      const position = this.positions.get(pathKey(path.slice(0, length)));
      if (position) return position;
    }
    return undefined;
  }

  get size(): number {
    return this.positions.size;
  }
}
