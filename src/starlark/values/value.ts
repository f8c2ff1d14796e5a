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
/**
 * Identity numbers of values used inside tuple keys, kept off the objects: an instance field
 * on the base class would cost every value ever created (most are never hashed this way).
 */
const identities = new WeakMap<object, number>();

/**
 * Base class of every Starlark value, core or host-defined.
 *
 * The interpreter's hottest type tests compare `value.constructor` with a core class (`Str`,
 * `Int`, `Dict`, …) instead of using `instanceof`: until V8 optimizes a function, its baseline
 * code answers each `instanceof` by a generic lookup of `Symbol.hasInstance` along the class's
 * constructor chain (~250 instructions; callgrind counted ~530k such tests, 7% of the bench
 * program's instructions), where a `constructor` load is one inline-cached property read. The
 * two tests agree because no core class has subclasses; TypeScript does not narrow on the
 * comparison, hence the casts beside it.
 */
export abstract class StarlarkValue {
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
    let identity = identities.get(this);
    if (identity === undefined) identities.set(this, (identity = nextIdentity++));
    return `#${identity}`;
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

  /**
   * `str(x)`: the repr, except for strings (and bytes) which print their content. With a
   * `limit`, throws ReprLimitExceeded instead of building more than `limit` characters.
   */
  str(limit?: number): string {
    return this.repr(limit);
  }

  /** `repr(x)`; with a `limit`, throws ReprLimitExceeded instead of building more than `limit` characters. */
  repr(limit = Infinity): string {
    const out = new ReprWriterImpl(limit);
    this.writeRepr(out);
    return out.text;
  }
}

/** Thrown by repr/str when the text would pass the caller's limit (nothing larger is built). */
export class ReprLimitExceeded extends Error {
  constructor(
    readonly limit: number,
    /** The text written before the limit was reached (at most `limit` characters). */
    readonly partial: string,
  ) {
    super(`repr longer than ${limit} characters`);
  }
}

/** Every Starlark value. */
export type Value = StarlarkValue;

/** Shared `unhashable type` error of mutable values. */
export function unhashable(value: StarlarkValue): never {
  throw runtimeError(`unhashable type: ${value.type}`);
}

class ReprWriterImpl {
  text = '';
  private readonly active: StarlarkValue[] = [];
  constructor(private readonly limit = Infinity) {}
  get remaining(): number {
    return this.limit - this.text.length;
  }
  write(part: string): void {
    if (this.text.length + part.length > this.limit) {
      throw new ReprLimitExceeded(this.limit, (this.text + part.slice(0, Math.max(0, this.limit - this.text.length))));
    }
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

export function newReprWriter(limit?: number): ReprWriter {
  return new ReprWriterImpl(limit);
}
