import { Builtin, type BuiltinCall } from '../values/builtin.js';
import type { Value } from '../values/value.js';

/** The methods of one built-in type, by name. */
export type MethodTable = ReadonlyMap<string, Builtin>;

/** Builds a method table; each implementation receives the receiver already cast to its type. */
export function methodTable<Receiver extends Value>(
  methods: Record<string, (receiver: Receiver, call: BuiltinCall) => Value>,
): MethodTable {
  const table = new Map<string, Builtin>();
  for (const [name, implementation] of Object.entries(methods)) {
    table.set(name, new Builtin(name, (call) => implementation(call.receiver as Receiver, call)));
  }
  return table;
}

/** Merges several tables (e.g. string methods split over files). */
export function mergeTables(...tables: MethodTable[]): MethodTable {
  return new Map(tables.flatMap((table) => [...table]));
}
