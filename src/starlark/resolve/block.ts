import type { Binding, FunctionScope } from './binding.js';

/** A lexical block: the module, a function body or a comprehension. */
export class Block {
  readonly bindings = new Map<string, Binding>();

  constructor(
    readonly kind: 'module' | 'function' | 'comprehension',
    readonly parent: Block | undefined,
    /** The function whose frame holds this block's locals (the top-level code for the module). */
    readonly owner: FunctionScope,
  ) {}
}
