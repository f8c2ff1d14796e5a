import { assertNever } from '../../util/index.js';
import type { Argument, DictEntry, Expression, Parameter, Statement, StarlarkFile } from './ast.js';

/**
 * A compact, stable S-expression form of the tree for golden tests, one statement per line:
 * `(assign@1:3 = x (+ 1 2))`. Positions appear on statements only, to keep lines readable.
 */
export function printAst(file: StarlarkFile): string {
  return file.statements.map((statement) => printStatement(statement, 0)).join('\n');
}

function printStatement(statement: Statement, depth: number): string {
  const indent = '  '.repeat(depth);
  const at = `@${statement.position.line}:${statement.position.column}`;
  const body = (statements: readonly Statement[]): string => statements.map((inner) => `\n${printStatement(inner, depth + 1)}`).join('');
  switch (statement.kind) {
    case 'ExpressionStatement':
      return `${indent}(expr${at} ${printExpression(statement.expression)})`;
    case 'AssignStatement':
      return `${indent}(assign${at} ${statement.operator} ${printExpression(statement.target)} ${printExpression(statement.value)})`;
    case 'DefStatement':
      return `${indent}(def${at} ${statement.name.name} (${statement.parameters.map(printParameter).join(' ')})${body(statement.body)})`;
    case 'IfStatement':
      return `${indent}(if${at} ${printExpression(statement.condition)}${body(statement.thenBody)}${
        statement.elseBody.length > 0 ? `\n${indent} else${body(statement.elseBody)}` : ''
      })`;
    case 'ForStatement':
      return `${indent}(for${at} ${printExpression(statement.target)} ${printExpression(statement.iterable)}${body(statement.body)})`;
    case 'WhileStatement':
      return `${indent}(while${at} ${printExpression(statement.condition)}${body(statement.body)})`;
    case 'ReturnStatement':
      return `${indent}(return${at}${statement.value ? ` ${printExpression(statement.value)}` : ''})`;
    case 'BranchStatement':
      return `${indent}(${statement.branch}${at})`;
    case 'PassStatement':
      return `${indent}(pass${at})`;
    case 'LoadStatement':
      return `${indent}(load${at} ${JSON.stringify(statement.module)} ${statement.bindings.map((binding) => `${binding.local.name}=${JSON.stringify(binding.exported)}`).join(' ')})`;
    default:
      return assertNever(statement, 'statement');
  }
}

function printParameter(parameter: Parameter): string {
  const name = parameter.name?.name ?? '';
  switch (parameter.kind) {
    case 'required':
      return name;
    case 'optional':
      return `${name}=${printExpression(parameter.defaultValue!)}`;
    case 'star':
      return `*${name}`;
    case 'starstar':
      return `**${name}`;
    default:
      return assertNever(parameter.kind, 'parameter kind');
  }
}

function printArgument(argument: Argument): string {
  const value = printExpression(argument.value);
  switch (argument.kind) {
    case 'positional':
      return value;
    case 'keyword':
      return `${argument.name}=${value}`;
    case 'star':
      return `*${value}`;
    case 'starstar':
      return `**${value}`;
    default:
      return assertNever(argument.kind, 'argument kind');
  }
}

function printEntry(entry: DictEntry): string {
  return `${printExpression(entry.key)}: ${printExpression(entry.value)}`;
}

function printExpression(expression: Expression): string {
  switch (expression.kind) {
    case 'Identifier':
      return expression.name;
    case 'Literal':
      return expression.raw;
    case 'ListExpression':
      return `[${expression.elements.map(printExpression).join(' ')}]`;
    case 'TupleExpression':
      return `(tuple ${expression.elements.map(printExpression).join(' ')})`;
    case 'DictExpression':
      return `{${expression.entries.map(printEntry).join(', ')}}`;
    case 'Comprehension': {
      const body = expression.body.kind === 'DictEntry' ? `{${printEntry(expression.body)}}` : printExpression(expression.body);
      const clauses = expression.clauses.map((clause) =>
        clause.kind === 'for' ? `for ${printExpression(clause.target)} in ${printExpression(clause.iterable)}` : `if ${printExpression(clause.condition)}`,
      );
      return `(comprehension ${body} ${clauses.join(' ')})`;
    }
    case 'UnaryExpression':
      return `(${expression.operator} ${printExpression(expression.operand)})`;
    case 'BinaryExpression':
      return `(${expression.operator} ${printExpression(expression.left)} ${printExpression(expression.right)})`;
    case 'ConditionalExpression':
      return `(if ${printExpression(expression.condition)} ${printExpression(expression.whenTrue)} ${printExpression(expression.whenFalse)})`;
    case 'DotExpression':
      return `(. ${printExpression(expression.object)} ${expression.name})`;
    case 'IndexExpression':
      return `(index ${printExpression(expression.object)} ${printExpression(expression.index)})`;
    case 'SliceExpression': {
      const part = (value: Expression | undefined): string => (value ? printExpression(value) : '_');
      return `(slice ${printExpression(expression.object)} ${part(expression.start)} ${part(expression.stop)} ${part(expression.step)})`;
    }
    case 'CallExpression':
      return `(call ${printExpression(expression.callee)}${expression.args.map((argument) => ` ${printArgument(argument)}`).join('')})`;
    case 'LambdaExpression':
      return `(lambda (${expression.parameters.map(printParameter).join(' ')}) ${printExpression(expression.body)})`;
    default:
      return assertNever(expression, 'expression');
  }
}
