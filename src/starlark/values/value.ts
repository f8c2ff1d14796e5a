import { runtimeError } from '../errors.js';
import type { ReprWriter } from './repr-writer.js';

/**
 * What a hashable value contributes to a dict or set: a JS primitive (string, number, bigint),
 * an object compared by identity, or a CompositeKey whose encoding is compared as a string.
 * Equal Starlark values always produce equal keys (1 and 1.0 both give the number 1).
 */
export type HashKey = string | number | bigint | object;

/** The structural key of a tuple or bytes value; interned by the hash table. */
export class CompositeKey {
  constructor(readonly encoding: string) {}
}

let nextIdentity = 1;

/** Base class of every Starlark value, core or host-defined. */
export abstract class StarlarkValue {
  private identity = 0;

  /** The name `type(x)` returns, e.g. `"int"` or a host type such as `"workflow_node"`. */
  abstract get type(): string;

  /** Writes the Starlark source-like form of the value (`repr(x)`). */
  abstract writeRepr(out: ReprWriter): void;

  /** Truth value in `if`, `and`, `or`, `not`: true unless a subclass says otherwise. */
  truth(): boolean {
    return true;
  }

  /** The key used by dicts and sets; throws for unhashable values (mutable containers). */
  hashKey(): HashKey {
    return this;
  }

  /** The key of this value as an element of a tuple key; must agree with equality. */
  keyEncoding(): string {
    if (this.identity === 0) this.identity = nextIdentity++;
    return `#${this.identity}`;
  }

  /** Makes the value and everything reachable from it immutable. */
  freeze(): void {}

  /** Equality with another value of the same `type`; identity unless overridden. */
  equalsSameType(other: StarlarkValue, _depth: number): boolean {
    return this === other;
  }

  /** Ordering with another value of the same `type`; undefined when the type is unordered. */
  compareSameType(_other: StarlarkValue, _depth: number): number | undefined {
    return undefined;
  }

  /** `str(x)`: the repr, except for strings (and bytes) which print their content. */
  str(): string {
    return this.repr();
  }

  repr(): string {
    const out = new ReprWriterImpl();
    this.writeRepr(out);
    return out.text;
  }
}

/** Every Starlark value. */
export type Value = StarlarkValue;

/** Shared `unhashable type` error of mutable values. */
export function unhashable(value: StarlarkValue): never {
  throw runtimeError(`unhashable type: '${value.type}'`);
}

class ReprWriterImpl {
  text = '';
  private readonly active: StarlarkValue[] = [];
  write(part: string): void {
    this.text += part;
  }
  writeValue(value: StarlarkValue): void {
    value.writeRepr(this);
  }
  enter(value: StarlarkValue): boolean {
    if (this.active.includes(value)) return false;
    if (this.active.length > 1000) throw runtimeError('maximum nesting depth exceeded in repr');
    this.active.push(value);
    return true;
  }
  leave(): void {
    this.active.pop();
  }
}

export function newReprWriter(): ReprWriter {
  return new ReprWriterImpl();
}
