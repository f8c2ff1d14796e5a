import { False, True } from '../values/bool.js';
import { None } from '../values/none.js';
import type { Value } from '../values/value.js';
import { collectionFunctions } from './collection-functions.js';
import { coreFunctions } from './core-functions.js';
import { numberFunctions } from './number-functions.js';

/** The universal block: constants and builtins every Starlark file sees. Frozen and shared. */
export const universe: ReadonlyMap<string, Value> = new Map<string, Value>([
  ['None', None],
  ['True', True],
  ['False', False],
  ...[...coreFunctions, ...numberFunctions, ...collectionFunctions].map((builtin) => [builtin.name, builtin] as [string, Value]),
]);
