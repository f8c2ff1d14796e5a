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
  private deferred: { readonly document: unknown; readonly locate: (source: SpecSource) => void } | undefined;

  constructor(readonly file: string) {}

  record(path: DocumentPath, position: SourcePosition): void {
    this.positions.set(pathKey(path), position);
  }

  /**
   * For a front-end that read its document without positions (JSON.parse): the document answers
   * `declares`, and `locate` — which records every position, like an eager front-end — runs
   * once, at the first question about a position. A valid workflow is never asked, so a wide
   * one pays nothing for a source map it does not need.
   */
  defer(document: unknown, locate: (source: SpecSource) => void): void {
    this.deferred = { document, locate };
  }

  /** True when the source itself wrote this path (as opposed to a default filling it). */
  declares(path: DocumentPath): boolean {
    if (this.deferred) return path.length > 0 && documentHas(this.deferred.document, path);
    return this.positions.has(pathKey(path));
  }

  /**
   * `declares([...base, field])` for several fields of one object: the base is walked (or its
   * key built) once, and no path is built per field — validation asks this of every node.
   */
  declaredFieldsOf(base: DocumentPath): (field: string) => boolean {
    if (this.deferred) {
      const document = this.deferred.document;
      const object = base.length > 0 ? valueAt(document, base) : document;
      return (field) => object !== MISSING && documentHas(object, [field]);
    }
    const prefix = base.length > 0 ? `${pathKey(base)}/` : '';
    return (field) => this.positions.has(`${prefix}${field}`);
  }

  positionOf(path: DocumentPath): SourcePosition | undefined {
    this.locateDeferred();
    for (let length = path.length; length >= 0; length -= 1) {
      const position = this.positions.get(pathKey(path.slice(0, length)));
      if (position) return position;
    }
    return undefined;
  }

  get size(): number {
    this.locateDeferred();
    return this.positions.size;
  }

  private locateDeferred(): void {
    const deferred = this.deferred;
    if (!deferred) return;
    this.deferred = undefined;
    deferred.locate(this);
  }
}

const MISSING = Symbol('missing');

/** The path exists in a raw document; segments match as in `pathKey` (an array index may be written "0"). */
function documentHas(document: unknown, path: DocumentPath): boolean {
  return valueAt(document, path) !== MISSING;
}

function valueAt(document: unknown, path: DocumentPath): unknown {
  let value = document;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return MISSING;
    if (Array.isArray(value)) {
      const index = typeof segment === 'number' ? segment : /^(?:0|[1-9]\d*)$/.test(segment) ? Number(segment) : -1;
      if (!(index >= 0 && index < value.length)) return MISSING;
      value = value[index];
    } else {
      const key = String(segment);
      if (!Object.hasOwn(value, key)) return MISSING;
      value = (value as Record<string, unknown>)[key];
    }
  }
  return value;
}
