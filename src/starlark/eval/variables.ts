import type { SourcePosition } from '../../util/index.js';
import { assertNever } from '../../util/index.js';
import { StarlarkError } from '../errors.js';
import type { Binding } from '../resolve/binding.js';
import type { Cell } from '../values/function.js';
import type { Value } from '../values/value.js';
import type { Assign, CompileEnvironment, Evaluate } from './evaluate.js';

/** Compiles a read of a resolved name. */
export function compileRead(binding: Binding, position: SourcePosition, environment: CompileEnvironment): Evaluate {
  const index = binding.index;
  const unbound = (kind: string): never => {
    throw new StarlarkError(`${kind} variable ${binding.name} referenced before assignment`, { position });
  };
  switch (binding.scope) {
    case 'local':
      return (frame) => (frame.locals[index] as Value | undefined) ?? unbound('local');
    case 'cell':
      return (frame) => (frame.locals[index] as Cell).value ?? unbound('local');
    case 'free':
      return (frame) => frame.free[index].value ?? unbound('local');
    case 'global':
      return (frame) => frame.globals[index] ?? unbound('global');
    case 'predeclared':
    case 'universal': {
      const source = binding.scope === 'predeclared' ? environment.predeclared : environment.universe;
      const value = source.get(binding.name);
      if (value === undefined) throw new Error(`resolver accepted unknown name ${binding.name}`);
      return () => value;
    }
    default:
      return assertNever(binding.scope, 'binding scope');
  }
}

/** Compiles a store to a resolved name. */
export function compileWrite(binding: Binding): Assign {
  const index = binding.index;
  switch (binding.scope) {
    case 'local':
      return (frame, value) => {
        frame.locals[index] = value;
      };
    case 'cell':
      return (frame, value) => {
        (frame.locals[index] as Cell).value = value;
      };
    case 'free':
      return (frame, value) => {
        frame.free[index].value = value;
      };
    case 'global':
      return (frame, value) => {
        frame.globals[index] = value;
      };
    case 'predeclared':
    case 'universal':
      throw new Error(`cannot assign to ${binding.scope} name ${binding.name}`);
    default:
      return assertNever(binding.scope, 'binding scope');
  }
}
