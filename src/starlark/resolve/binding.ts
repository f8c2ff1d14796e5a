import type { SourcePosition } from '../../util/index.js';

/**
 * Where a name lives at run time:
 * - local: a slot in the current frame; cell: a local slot holding a Cell because a nested
 *   function captures it; free: a captured Cell of an enclosing function;
 * - global: a module variable slot; predeclared: supplied by the host; universal: a builtin.
 */
export type BindingScope = 'local' | 'cell' | 'free' | 'global' | 'predeclared' | 'universal';

export interface Binding {
  scope: BindingScope;
  /** Slot index for local/cell (frame), free (closure cells) and global (module). */
  readonly index: number;
  readonly name: string;
  /** Where the binding was introduced, when it was introduced in this file. */
  readonly position?: SourcePosition;
}

/** What the resolver learned about one function (or the module's top-level code). */
export class FunctionScope {
  /** Every local slot: parameters first, then other locals and comprehension variables. */
  readonly locals: Binding[] = [];
  /** For each free variable, the enclosing function's binding it captures (local/cell or free). */
  readonly freeVariables: Binding[] = [];
  private readonly freeByOuter = new Map<Binding, Binding>();

  constructor(readonly name: string) {}

  addLocal(name: string, position: SourcePosition): Binding {
    const binding: Binding = { scope: 'local', index: this.locals.length, name, position };
    this.locals.push(binding);
    return binding;
  }

  /** The free-variable binding through which this function sees `outer`. */
  capture(outer: Binding): Binding {
    const existing = this.freeByOuter.get(outer);
    if (existing) return existing;
    if (outer.scope === 'local') outer.scope = 'cell';
    const binding: Binding = { scope: 'free', index: this.freeVariables.length, name: outer.name, position: outer.position };
    this.freeVariables.push(outer);
    this.freeByOuter.set(outer, binding);
    return binding;
  }
}

/** Module-level results: the global slots and which of them come from load statements. */
export interface ModuleScope {
  readonly toplevel: FunctionScope;
  readonly globals: readonly Binding[];
  readonly loadedNames: ReadonlySet<string>;
}
