import { assertNever } from '../../util/index.js';
import { StarlarkError } from '../errors.js';
import type { DefStatement, Expression, ForStatement, Statement } from '../syntax/ast.js';
import type { Value } from '../values/value.js';
import { compileAugmentedAssignment, compileTarget } from './compile-assignment.js';
import { ExpressionCompiler } from './compile-expression.js';
import { CompiledFunction, makeClosure } from './compiled-function.js';
import { Flow, type Assign, type Execute } from './evaluate.js';
import { iterateValue } from './iterate.js';
import { compileWrite } from './variables.js';

/** Load hook used by `load` statements: returns the named module's exported values. */
export type LoadModule = (module: string) => ReadonlyMap<string, Value>;

/** Compiles statements (and, through its base class, expressions) into closures. */
export class StatementCompiler extends ExpressionCompiler {
  /** Set by the module executor before compiling a file with load statements. */
  loadModule: LoadModule | undefined;

  block(statements: readonly Statement[]): Execute {
    const compiled = statements.map((statement) => this.statement(statement));
    if (compiled.length === 1) return compiled[0];
    return (frame) => {
      for (let index = 0; index < compiled.length; index++) {
        const flow = compiled[index](frame);
        if (flow !== Flow.Normal) return flow;
      }
      return Flow.Normal;
    };
  }

  protected override target(node: Expression): Assign {
    return compileTarget(node, (expression) => this.expression(expression));
  }

  private statement(node: Statement): Execute {
    switch (node.kind) {
      case 'ExpressionStatement': {
        const expression = this.expression(node.expression);
        return (frame) => {
          frame.thread.step();
          expression(frame);
          return Flow.Normal;
        };
      }
      case 'AssignStatement': {
        if (node.operator !== '=') return compileAugmentedAssignment(node, (expression) => this.expression(expression));
        const value = this.expression(node.value);
        const assign = this.target(node.target);
        return (frame) => {
          frame.thread.step();
          assign(frame, value(frame));
          return Flow.Normal;
        };
      }
      case 'DefStatement':
        return this.def(node);
      case 'IfStatement': {
        const condition = this.expression(node.condition);
        const thenBody = this.block(node.thenBody);
        const elseBody = this.block(node.elseBody);
        return (frame) => {
          frame.thread.step();
          return condition(frame).truth() ? thenBody(frame) : elseBody(frame);
        };
      }
      case 'ForStatement':
        return this.forLoop(node);
      case 'WhileStatement':
        throw new Error('the resolver rejects while statements');
      case 'ReturnStatement': {
        const value = node.value ? this.expression(node.value) : undefined;
        return (frame) => {
          if (value) frame.returnValue = value(frame);
          return Flow.Return;
        };
      }
      case 'BranchStatement': {
        const flow = node.branch === 'break' ? Flow.Break : Flow.Continue;
        return () => flow;
      }
      case 'PassStatement':
        return () => Flow.Normal;
      case 'LoadStatement':
        return this.load(node);
      default:
        return assertNever(node, 'statement');
    }
  }

  private def(node: DefStatement): Execute {
    const body = this.block(node.body);
    const code = new CompiledFunction(node.name.name, node.position, node.scope!, node.parameters, (frame) => {
      body(frame);
    });
    const defaults = this.defaults(node.parameters);
    const assign = compileWrite(node.name.binding!);
    return (frame) => {
      frame.thread.step();
      frame.position = node.position;
      assign(frame, makeClosure(code, frame, defaults));
      return Flow.Normal;
    };
  }

  private forLoop(node: ForStatement): Execute {
    const iterable = this.expression(node.iterable);
    const assign = this.target(node.target);
    const body = this.block(node.body);
    const position = node.position;
    return (frame) => {
      const sequence = iterable(frame);
      frame.position = position;
      const iterator = iterateValue(sequence);
      try {
        for (let element = iterator.next(); element !== undefined; element = iterator.next()) {
          frame.thread.step();
          assign(frame, element);
          const flow = body(frame);
          if (flow === Flow.Break) break;
          if (flow === Flow.Return) return flow;
        }
      } finally {
        iterator.done();
      }
      return Flow.Normal;
    };
  }

  private load(node: Extract<Statement, { kind: 'LoadStatement' }>): Execute {
    const bindings = node.bindings.map((binding) => ({ exported: binding.exported, assign: compileWrite(binding.local.binding!) }));
    return (frame) => {
      frame.thread.step();
      frame.position = node.position;
      const loader = this.loadModule;
      if (!loader) throw new StarlarkError('load statements are not supported here (no module loader was configured)', { kind: 'load' });
      const exports = loader(node.module);
      for (const binding of bindings) {
        const value = exports.get(binding.exported);
        if (value === undefined) throw new LoadSymbolError(node.module, binding.exported);
        binding.assign(frame, value);
      }
      return Flow.Normal;
    };
  }
}

class LoadSymbolError extends StarlarkError {
  constructor(module: string, symbol: string) {
    super(`load: module ${JSON.stringify(module)} has no exported symbol ${JSON.stringify(symbol)}`, { kind: 'load' });
  }
}
