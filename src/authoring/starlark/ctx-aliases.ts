import { Builtin, Struct, type BuiltinCall, type Value } from '../../starlark/index.js';

/** `ctx.<name>` spellings models often write, and the builtin each one means. */
const CTX_ALIASES: readonly (readonly [alias: string, builtin: string, canonical: string])[] = [
  ['parallel', 'branch', 'branch(parallel = True)'],
  ['sequence', 'sequence', 'sequence(...)'],
  ['loop_until', 'loop_until', 'loop_until(...)'],
  ['when', 'when', 'when(...)'],
  ['expand', 'expand', 'expand(...)'],
  ['tournament', 'tournament', 'tournament(...)'],
];

/**
 * The predeclared `ctx` value: each alias calls the canonical builtin and reports a warning
 * naming it, so model-written files work and their authors learn the plain form.
 */
export function createCtx(builtins: Readonly<Record<string, Value>>, warn: (call: BuiltinCall, canonical: string) => void): Struct {
  const alias = (name: string, target: string, canonical: string): Builtin => {
    const implementation = (builtins[target] as Builtin).implementation;
    return new Builtin(name, (call) => {
      warn(call, canonical);
      return implementation(call);
    });
  };
  const fields: Record<string, Value> = {};
  for (const [name, target, canonical] of CTX_ALIASES) fields[name] = alias(`ctx.${name}`, target, canonical);
  fields.teacher = new Struct({ review: alias('ctx.teacher.review', 'teacher_review', 'teacher_review(...)') }, 'ctx_teacher');
  return new Struct(fields, 'ctx');
}
