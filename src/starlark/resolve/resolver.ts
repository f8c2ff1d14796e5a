import type { Diagnostic, SourcePosition } from '../../util/index.js';
import { assertNever, formatPosition } from '../../util/index.js';
import { StarlarkError } from '../errors.js';
import type {
  Argument, Comprehension, Expression, Identifier, Parameter, Statement, StarlarkFile,
} from '../syntax/ast.js';
import { FunctionScope, type Binding, type ModuleScope } from './binding.js';
import { Block } from './block.js';
import { collectBoundIdentifiers, collectTargetIdentifiers } from './bound-names.js';
import { checkArgumentOrder } from './check-arguments.js';
import { checkParameterOrder } from './check-parameters.js';
import { nearestName } from './nearest-name.js';
import { describeTarget } from './describe-target.js';

/** The names a file may use without binding them. */
export interface ResolveEnvironment {
  isPredeclared(name: string): boolean;
  isUniversal(name: string): boolean;
  /** Every predeclared and universal name, for `did you mean` suggestions (optional). */
  knownNames?(): Iterable<string>;
}

/**
 * Classifies every identifier of a parsed file (local, cell, free, global, predeclared,
 * universal) and annotates the tree. All static errors are collected; if there are any a
 * StarlarkError of kind `resolve` carrying every diagnostic is thrown.
 */
export function resolveFile(file: StarlarkFile, environment: ResolveEnvironment): ModuleScope {
  return new Resolver(environment).resolve(file);
}

class Resolver {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly globals = new Map<string, Binding>();
  private readonly globalList: Binding[] = [];
  private readonly loadedNames = new Set<string>();
  private loopDepth = 0;
  private functionDepth = 0;
  /** Top-level `if`/`for` statements enclosing the current one (themselves errors, but loads inside get their own). */
  private toplevelConditionals = 0;
  private toplevelLoops = 0;

  constructor(private readonly environment: ResolveEnvironment) {}

  resolve(file: StarlarkFile): ModuleScope {
    const toplevel = new FunctionScope('<toplevel>');
    const module = new Block('module', undefined, toplevel);
    this.declareGlobals(file.statements);
    this.statements(file.statements, module);
    file.scope = toplevel;
    if (this.diagnostics.length > 0) {
      this.diagnostics.sort((left, right) => left.position!.line - right.position!.line || left.position!.column - right.position!.column);
      const [first] = this.diagnostics;
      const more = this.diagnostics.length > 1 ? ` (and ${this.diagnostics.length - 1} more)` : '';
      throw new StarlarkError(`${first.message}${more}`, { kind: 'resolve', position: first.position, diagnostics: this.diagnostics });
    }
    return { toplevel, globals: this.globalList, loadedNames: this.loadedNames };
  }

  private error(message: string, position: SourcePosition): void {
    this.diagnostics.push({ severity: 'error', code: 'starlark-resolve', message, position });
  }

  /**
   * Binds every top-level name before resolving uses (a function may use a global defined later).
   * A name is bound once per file; names bound by load are file-local, as in the reference.
   */
  private declareGlobals(statements: readonly Statement[]): void {
    for (const statement of statements) {
      const isLoad = statement.kind === 'LoadStatement';
      for (const identifier of collectBoundIdentifiers([statement])) {
        const existing = this.globals.get(identifier.name);
        if (existing) {
          this.error(this.reassignMessage(identifier.name, existing, isLoad), identifier.position);
          continue;
        }
        const binding: Binding = { scope: 'global', index: this.globalList.length, name: identifier.name, position: identifier.position };
        this.globals.set(identifier.name, binding);
        this.globalList.push(binding);
        if (isLoad) this.loadedNames.add(identifier.name);
      }
    }
  }

  private reassignMessage(name: string, existing: Binding, byLoad: boolean): string {
    const where = existing.position ? ` declared at ${formatPosition(existing.position)}` : '';
    if (byLoad) return `cannot reassign top-level ${name}${where}`;
    if (this.loadedNames.has(name)) return `cannot reassign local ${name}${where} (a name bound by load is local to its file)`;
    return `cannot reassign global ${name}${where}`;
  }

  private statements(statements: readonly Statement[], block: Block): void {
    for (const statement of statements) this.statement(statement, block);
  }

  private statement(statement: Statement, block: Block): void {
    switch (statement.kind) {
      case 'ExpressionStatement':
        this.expression(statement.expression, block);
        return;
      case 'AssignStatement':
        this.expression(statement.value, block);
        this.assignTarget(statement.target, block, statement.operator !== '=');
        return;
      case 'DefStatement':
        this.functionBody(statement.name.name, statement.parameters, block, (inner) => this.statements(statement.body, inner), statement.body, (scope) => {
          statement.scope = scope;
        });
        this.use(statement.name, block);
        return;
      case 'IfStatement':
        if (this.functionDepth === 0) this.error('if statement not within a function', statement.position);
        this.expression(statement.condition, block);
        this.atTopLevel('conditional', () => {
          this.statements(statement.thenBody, block);
          this.statements(statement.elseBody, block);
        });
        return;
      case 'ForStatement':
        if (this.functionDepth === 0) this.error('for loop not within a function', statement.position);
        this.expression(statement.iterable, block);
        this.assignTarget(statement.target, block, false);
        this.loopBody(() => this.statements(statement.body, block));
        return;
      case 'WhileStatement':
        this.error('this Starlark dialect does not support while loops (use a for loop over a bounded range)', statement.position);
        if (this.functionDepth === 0) this.error('while loop not within a function', statement.position);
        this.expression(statement.condition, block);
        this.loopBody(() => this.statements(statement.body, block));
        return;
      case 'ReturnStatement':
        if (this.functionDepth === 0) this.error('return statement not within a function', statement.position);
        if (statement.value) this.expression(statement.value, block);
        return;
      case 'BranchStatement':
        if (this.loopDepth === 0) this.error(`${statement.branch} not in a loop`, statement.position);
        return;
      case 'PassStatement':
        return;
      case 'LoadStatement':
        if (this.functionDepth > 0) this.error('load statement within a function', statement.position);
        else if (this.toplevelLoops > 0) this.error('load statement within a loop', statement.position);
        else if (this.toplevelConditionals > 0) this.error('load statement within a conditional', statement.position);
        for (const binding of statement.bindings) {
          this.checkLoadedName(binding.exported, binding.local.position);
          this.use(binding.local, block);
        }
        return;
      default:
        assertNever(statement, 'statement');
    }
  }

  private assignTarget(target: Expression, block: Block, augmented: boolean): void {
    switch (target.kind) {
      case 'Identifier':
        this.use(target, block);
        return;
      case 'IndexExpression':
      case 'DotExpression':
        this.expression(target, block);
        return;
      case 'TupleExpression':
      case 'ListExpression': {
        const what = target.kind === 'TupleExpression' ? 'tuple' : 'list';
        if (target.elements.length === 0) this.error(`can't assign to ${what === 'tuple' ? '()' : '[]'}`, target.position);
        if (augmented) {
          this.error(`can't use ${what} expression in augmented assignment`, target.position);
          return;
        }
        for (const element of target.elements) this.assignTarget(element, block, false);
        return;
      }
      default:
        this.error(`can't assign to ${describeTarget(target)}`, target.position);
    }
  }

  /** `load` names: the reference refuses empty ones and those with a leading underscore (not exported). */
  private checkLoadedName(name: string, position: SourcePosition): void {
    if (name === '') this.error('load: empty identifier', position);
    else if (name.startsWith('_')) this.error(`load: names with leading underscores are not exported: ${name}`, position);
    else if (!/^[\p{L}_][\p{L}\p{Nd}_]*$/u.test(name)) this.error(`load: invalid identifier ${JSON.stringify(name)}`, position);
  }

  private expression(expression: Expression, block: Block): void {
    switch (expression.kind) {
      case 'Identifier':
        this.use(expression, block);
        return;
      case 'Literal':
        return;
      case 'ListExpression':
      case 'TupleExpression':
        for (const element of expression.elements) this.expression(element, block);
        return;
      case 'DictExpression':
        for (const entry of expression.entries) {
          this.expression(entry.key, block);
          this.expression(entry.value, block);
        }
        return;
      case 'Comprehension':
        this.comprehension(expression, block);
        return;
      case 'UnaryExpression':
        this.expression(expression.operand, block);
        return;
      case 'BinaryExpression':
        this.expression(expression.left, block);
        this.expression(expression.right, block);
        return;
      case 'ConditionalExpression':
        this.expression(expression.condition, block);
        this.expression(expression.whenTrue, block);
        this.expression(expression.whenFalse, block);
        return;
      case 'DotExpression':
        this.expression(expression.object, block);
        return;
      case 'IndexExpression':
        this.expression(expression.object, block);
        this.expression(expression.index, block);
        return;
      case 'SliceExpression':
        this.expression(expression.object, block);
        for (const part of [expression.start, expression.stop, expression.step]) if (part) this.expression(part, block);
        return;
      case 'CallExpression':
        this.expression(expression.callee, block);
        this.callArguments(expression.args, block);
        return;
      case 'LambdaExpression':
        this.functionBody('lambda', expression.parameters, block, (inner) => this.expression(expression.body, inner), [], (scope) => {
          expression.scope = scope;
        });
        return;
      default:
        assertNever(expression, 'expression');
    }
  }

  private callArguments(args: readonly Argument[], block: Block): void {
    checkArgumentOrder(args, (message, position) => this.error(message, position));
    for (const argument of args) this.expression(argument.value, block);
  }

  private comprehension(comprehension: Comprehension, block: Block): void {
    const [first, ...rest] = comprehension.clauses;
    if (first.kind !== 'for') throw new Error('comprehension must start with a for clause');
    this.expression(first.iterable, block);
    const inner = new Block('comprehension', block, block.owner);
    for (const clause of comprehension.clauses) {
      if (clause.kind !== 'for') continue;
      for (const identifier of collectTargetIdentifiers(clause.target, [])) {
        if (!inner.bindings.has(identifier.name)) inner.bindings.set(identifier.name, block.owner.addLocal(identifier.name, identifier.position));
      }
    }
    this.loopDepthSaved(() => {
      this.assignTarget(first.target, inner, false);
      for (const clause of rest) {
        if (clause.kind === 'for') {
          this.expression(clause.iterable, inner);
          this.assignTarget(clause.target, inner, false);
        } else {
          this.expression(clause.condition, inner);
        }
      }
      const body = comprehension.body;
      if (body.kind === 'DictEntry') {
        this.expression(body.key, inner);
        this.expression(body.value, inner);
      } else {
        this.expression(body, inner);
      }
    });
  }

  /** Resolves a def or lambda: defaults in the enclosing block, the body in a new one. */
  private functionBody(
    name: string,
    parameters: readonly Parameter[],
    block: Block,
    resolveBody: (inner: Block) => void,
    body: readonly Statement[],
    record: (scope: FunctionScope) => void,
  ): void {
    checkParameterOrder(parameters, (message, position) => this.error(message, position));
    for (const parameter of parameters) if (parameter.defaultValue) this.expression(parameter.defaultValue, block);
    const scope = new FunctionScope(name);
    const inner = new Block('function', block, scope);
    for (const parameter of parameters) {
      if (!parameter.name) continue;
      if (inner.bindings.has(parameter.name.name)) {
        this.error(`duplicate parameter: ${parameter.name.name}`, parameter.name.position);
        continue;
      }
      const binding = scope.addLocal(parameter.name.name, parameter.name.position);
      inner.bindings.set(parameter.name.name, binding);
      parameter.name.binding = binding;
    }
    for (const identifier of collectBoundIdentifiers(body)) {
      if (!inner.bindings.has(identifier.name)) inner.bindings.set(identifier.name, scope.addLocal(identifier.name, identifier.position));
    }
    const saved = [this.loopDepth, this.toplevelLoops, this.toplevelConditionals];
    [this.loopDepth, this.toplevelLoops, this.toplevelConditionals] = [0, 0, 0];
    this.functionDepth++;
    resolveBody(inner);
    this.functionDepth--;
    [this.loopDepth, this.toplevelLoops, this.toplevelConditionals] = saved;
    record(scope);
  }

  private loopBody(resolve: () => void): void {
    this.loopDepth++;
    this.atTopLevel('loop', resolve);
    this.loopDepth--;
  }

  /** Counts top-level conditionals and loops (only outside functions), so `load` inside them is reported. */
  private atTopLevel(kind: 'conditional' | 'loop', resolve: () => void): void {
    const counted = this.functionDepth === 0;
    if (counted && kind === 'loop') this.toplevelLoops++;
    if (counted && kind === 'conditional') this.toplevelConditionals++;
    resolve();
    if (counted && kind === 'loop') this.toplevelLoops--;
    if (counted && kind === 'conditional') this.toplevelConditionals--;
  }

  /** Comprehension bodies are not loops for break/continue purposes. */
  private loopDepthSaved(action: () => void): void {
    const saved = this.loopDepth;
    this.loopDepth = 0;
    action();
    this.loopDepth = saved;
  }

  private use(identifier: Identifier, block: Block): void {
    const binding = this.lookup(identifier.name, block);
    if (binding) {
      identifier.binding = binding;
      return;
    }
    const suggestion = nearestName(identifier.name, this.visibleNames(block));
    this.error(`undefined: ${identifier.name}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`, identifier.position);
  }

  /** Every name visible from `block`: enclosing locals, globals, predeclared and universal names. */
  private *visibleNames(block: Block): Iterable<string> {
    for (let current: Block | undefined = block; current; current = current.parent) yield* current.bindings.keys();
    yield* this.globals.keys();
    if (this.environment.knownNames) yield* this.environment.knownNames();
  }

  private lookup(name: string, start: Block): Binding | undefined {
    const crossed: FunctionScope[] = [];
    for (let block: Block | undefined = start; block && block.kind !== 'module'; block = block.parent) {
      const binding = block.bindings.get(name);
      if (binding) {
        let visible = binding;
        for (let index = crossed.length - 1; index >= 0; index--) visible = crossed[index].capture(visible);
        return visible;
      }
      if (block.kind === 'function') crossed.push(block.owner);
    }
    const global = this.globals.get(name);
    if (global) return global;
    if (this.environment.isPredeclared(name)) return { scope: 'predeclared', index: -1, name };
    if (this.environment.isUniversal(name)) return { scope: 'universal', index: -1, name };
    return undefined;
  }
}
