import type { Parameter } from '../syntax/ast.js';

/** Where each kind of parameter lives among a function's local slots. */
export interface ParameterLayout {
  /** Local slots filled by position, in order. */
  readonly positionalCount: number;
  /** Named parameters (not *args/**kwargs) by name → local slot. */
  readonly slotsByName: ReadonlyMap<string, number>;
  /** Names of the named parameters, by local slot (for error messages). */
  readonly namedSlots: readonly { readonly name: string; readonly slot: number }[];
  readonly varargsSlot: number | undefined;
  readonly kwargsSlot: number | undefined;
  /** Only positional-or-keyword parameters: a call giving all of them by position needs no other work. */
  readonly plain: boolean;
}

/** Parameters occupy the first local slots in declaration order (a bare `*` takes none). */
export function layoutParameters(parameters: readonly Parameter[]): ParameterLayout {
  const slotsByName = new Map<string, number>();
  const namedSlots: { name: string; slot: number }[] = [];
  let positionalCount = 0;
  let varargsSlot: number | undefined;
  let kwargsSlot: number | undefined;
  let sawStar = false;
  let slot = 0;
  for (const parameter of parameters) {
    if (parameter.kind === 'star') {
      sawStar = true;
      if (parameter.name) varargsSlot = slot++;
      continue;
    }
    if (parameter.kind === 'starstar') {
      kwargsSlot = slot++;
      continue;
    }
    const name = parameter.name!.name;
    slotsByName.set(name, slot);
    namedSlots.push({ name, slot });
    if (!sawStar) positionalCount++;
    slot++;
  }
  const plain = varargsSlot === undefined && kwargsSlot === undefined && namedSlots.length === positionalCount;
  return { positionalCount, slotsByName, namedSlots, varargsSlot, kwargsSlot, plain };
}
