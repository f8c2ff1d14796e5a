import type { SourcePosition } from '../../util/index.js';

/**
 * A literal read from JS/TS source, with the position of every part, so the lowering can
 * record positions for the paths it writes.
 */
export type Literal = LiteralObject | LiteralArray | LiteralScalar;

export interface LiteralObject {
  readonly kind: 'object';
  readonly position: SourcePosition;
  readonly entries: readonly LiteralEntry[];
}

export interface LiteralEntry {
  readonly key: string;
  readonly keyPosition: SourcePosition;
  readonly value: Literal;
}

export interface LiteralArray {
  readonly kind: 'array';
  readonly position: SourcePosition;
  readonly elements: readonly Literal[];
}

export interface LiteralScalar {
  readonly kind: 'scalar';
  readonly position: SourcePosition;
  readonly value: string | number | boolean | null;
}

/** The entry named `key`, when the object has one. */
export function entryOf(object: LiteralObject, key: string): LiteralEntry | undefined {
  return object.entries.find((entry) => entry.key === key);
}

/** The plain JS value of a literal (positions dropped). */
export function plainValue(literal: Literal): unknown {
  switch (literal.kind) {
    case 'scalar':
      return literal.value;
    case 'array':
      return literal.elements.map(plainValue);
    case 'object': {
      const object: Record<string, unknown> = {};
      // Own data properties, so a key named "__proto__" stays plain data.
      for (const entry of literal.entries) {
        Object.defineProperty(object, entry.key, { value: plainValue(entry.value), enumerable: true, writable: true, configurable: true });
      }
      return object;
    }
  }
}

export function describeLiteral(literal: Literal): string {
  switch (literal.kind) {
    case 'object':
      return 'an object';
    case 'array':
      return 'a list';
    case 'scalar':
      return literal.value === null ? 'null' : typeof literal.value === 'string' ? `"${literal.value}"` : `${typeof literal.value} ${literal.value}`;
  }
}
