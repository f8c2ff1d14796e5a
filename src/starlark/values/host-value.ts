import { StarlarkValue } from './value.js';

/**
 * Base class for value types defined by the embedding application (e.g. a workflow node).
 * Override `type` and `writeRepr`; expose fields through `attr`/`attrNames` (used by `x.f`,
 * `getattr`, `hasattr`, `dir`). Host values hash by identity unless `hashKey` is overridden
 * (make it call `unhashable(this)` for a mutable type).
 */
export abstract class HostValue extends StarlarkValue {
  /** The attribute `name`, or undefined when there is none. */
  attr(_name: string): StarlarkValue | undefined {
    return undefined;
  }
  /** The names `dir(x)` lists, sorted or not (dir sorts them). */
  attrNames(): readonly string[] {
    return [];
  }
}
