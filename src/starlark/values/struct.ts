import { HostValue } from './host-value.js';
import { StarlarkValue } from './value.js';
import type { ReprWriter } from './repr-writer.js';
import { valuesEqual } from './compare.js';

/**
 * An immutable record of named fields, e.g. a predeclared `ctx` namespace whose attributes are
 * builtins. Prints as `struct(a = 1, b = "x")`; `typeName` changes both `type(x)` and the repr prefix.
 */
export class Struct extends HostValue {
  private readonly fields: ReadonlyMap<string, StarlarkValue>;

  constructor(
    fields: Record<string, StarlarkValue> | ReadonlyMap<string, StarlarkValue>,
    private readonly typeName = 'struct',
  ) {
    super();
    this.fields = fields instanceof Map ? new Map(fields) : new Map(Object.entries(fields));
  }
  get type(): string {
    return this.typeName;
  }
  override attr(name: string): StarlarkValue | undefined {
    return this.fields.get(name);
  }
  override attrNames(): readonly string[] {
    return [...this.fields.keys()];
  }
  override freeze(): void {
    for (const value of this.fields.values()) value.freeze();
  }
  override equalsSameType(other: StarlarkValue, depth: number): boolean {
    if (!(other instanceof Struct) || other.fields.size !== this.fields.size) return false;
    for (const [name, value] of this.fields) {
      const otherValue = other.fields.get(name);
      if (otherValue === undefined || !valuesEqual(value, otherValue, depth + 1)) return false;
    }
    return true;
  }
  writeRepr(out: ReprWriter): void {
    out.write(`${this.typeName}(`);
    let first = true;
    for (const [name, value] of this.fields) {
      if (!first) out.write(', ');
      first = false;
      out.write(`${name} = `);
      out.writeValue(value);
    }
    out.write(')');
  }
}
