import type { SourcePosition } from '../../util/index.js';
import type { Cell } from '../values/function.js';
import type { Value } from '../values/value.js';
import { None } from '../values/none.js';
import type { ActiveFrame, Thread } from './thread.js';

/** The variables of one running function (or the module's top level). */
export class Frame implements ActiveFrame {
  returnValue: Value = None;

  constructor(
    readonly name: string,
    /** Local slots; a slot of a captured variable holds a Cell. Undefined means unbound. */
    readonly locals: (Value | Cell | undefined)[],
    readonly free: readonly Cell[],
    readonly globals: (Value | undefined)[],
    readonly thread: Thread,
    /** The node being evaluated, kept current by the compiled code for error positions. */
    public position: SourcePosition,
  ) {}
}
