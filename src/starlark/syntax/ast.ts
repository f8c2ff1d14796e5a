import type { SourcePosition } from '../../util/index.js';
import type { Binding, FunctionScope } from '../resolve/binding.js';

/**
 * The syntax tree. Every node has a position; the resolver fills in `binding` on identifiers
 * and `scope` on functions and the file (the only fields written after parsing).
 */
export type Expression =
  | Identifier
  | Literal
  | ListExpression
  | TupleExpression
  | DictExpression
  | Comprehension
  | UnaryExpression
  | BinaryExpression
  | ConditionalExpression
  | DotExpression
  | IndexExpression
  | SliceExpression
  | CallExpression
  | LambdaExpression;

export type Statement =
  | ExpressionStatement
  | AssignStatement
  | DefStatement
  | IfStatement
  | ForStatement
  | WhileStatement
  | ReturnStatement
  | BranchStatement
  | PassStatement
  | LoadStatement;

export type Node = Expression | Statement;

export interface Identifier {
  readonly kind: 'Identifier';
  readonly position: SourcePosition;
  readonly name: string;
  binding?: Binding;
}

export type LiteralValue =
  | { readonly type: 'int'; readonly value: number | bigint }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'bytes'; readonly value: Uint8Array };

export interface Literal {
  readonly kind: 'Literal';
  readonly position: SourcePosition;
  readonly literal: LiteralValue;
  /** The token text, for printing. */
  readonly raw: string;
}

export interface ListExpression {
  readonly kind: 'ListExpression';
  readonly position: SourcePosition;
  readonly elements: readonly Expression[];
}

export interface TupleExpression {
  readonly kind: 'TupleExpression';
  readonly position: SourcePosition;
  readonly elements: readonly Expression[];
}

export interface DictEntry {
  readonly kind: 'DictEntry';
  readonly position: SourcePosition;
  readonly key: Expression;
  readonly value: Expression;
}

export interface DictExpression {
  readonly kind: 'DictExpression';
  readonly position: SourcePosition;
  readonly entries: readonly DictEntry[];
}

export type ComprehensionClause =
  | { readonly kind: 'for'; readonly position: SourcePosition; readonly target: Expression; readonly iterable: Expression }
  | { readonly kind: 'if'; readonly position: SourcePosition; readonly condition: Expression };

export interface Comprehension {
  readonly kind: 'Comprehension';
  readonly position: SourcePosition;
  /** `{k: v for ...}` when the body is a DictEntry, `[x for ...]` otherwise. */
  readonly body: Expression | DictEntry;
  readonly clauses: readonly ComprehensionClause[];
}

export type UnaryOperator = '+' | '-' | '~' | 'not';

export interface UnaryExpression {
  readonly kind: 'UnaryExpression';
  readonly position: SourcePosition;
  readonly operator: UnaryOperator;
  readonly operand: Expression;
}

export type BinaryOperator =
  | 'or' | 'and'
  | '==' | '!=' | '<' | '>' | '<=' | '>=' | 'in' | 'not in'
  | '|' | '^' | '&' | '<<' | '>>' | '+' | '-' | '*' | '/' | '//' | '%';

export interface BinaryExpression {
  readonly kind: 'BinaryExpression';
  /** The operator's position, where errors point. */
  readonly position: SourcePosition;
  readonly operator: BinaryOperator;
  readonly left: Expression;
  readonly right: Expression;
}

export interface ConditionalExpression {
  readonly kind: 'ConditionalExpression';
  readonly position: SourcePosition;
  readonly condition: Expression;
  readonly whenTrue: Expression;
  readonly whenFalse: Expression;
}

export interface DotExpression {
  readonly kind: 'DotExpression';
  /** The dot's position. */
  readonly position: SourcePosition;
  readonly object: Expression;
  readonly name: string;
}

export interface IndexExpression {
  readonly kind: 'IndexExpression';
  /** The `[` position. */
  readonly position: SourcePosition;
  readonly object: Expression;
  readonly index: Expression;
}

export interface SliceExpression {
  readonly kind: 'SliceExpression';
  readonly position: SourcePosition;
  readonly object: Expression;
  readonly start: Expression | undefined;
  readonly stop: Expression | undefined;
  readonly step: Expression | undefined;
}

export type ArgumentKind = 'positional' | 'keyword' | 'star' | 'starstar';

export interface Argument {
  readonly kind: ArgumentKind;
  readonly position: SourcePosition;
  /** The keyword, for keyword arguments. */
  readonly name?: string;
  readonly value: Expression;
}

export interface CallExpression {
  readonly kind: 'CallExpression';
  /** The `(` position. */
  readonly position: SourcePosition;
  readonly callee: Expression;
  readonly args: readonly Argument[];
}

export type ParameterKind = 'required' | 'optional' | 'star' | 'starstar';

export interface Parameter {
  readonly kind: ParameterKind;
  readonly position: SourcePosition;
  /** Absent only for a bare `*` (which makes the following parameters keyword-only). */
  readonly name?: Identifier;
  readonly defaultValue?: Expression;
}

export interface LambdaExpression {
  readonly kind: 'LambdaExpression';
  readonly position: SourcePosition;
  readonly parameters: readonly Parameter[];
  readonly body: Expression;
  scope?: FunctionScope;
}

export interface ExpressionStatement {
  readonly kind: 'ExpressionStatement';
  readonly position: SourcePosition;
  readonly expression: Expression;
}

export type AssignOperator = '=' | '+=' | '-=' | '*=' | '/=' | '//=' | '%=' | '&=' | '|=' | '^=' | '<<=' | '>>=';

export interface AssignStatement {
  readonly kind: 'AssignStatement';
  /** The operator's position. */
  readonly position: SourcePosition;
  readonly operator: AssignOperator;
  readonly target: Expression;
  readonly value: Expression;
}

export interface DefStatement {
  readonly kind: 'DefStatement';
  readonly position: SourcePosition;
  readonly name: Identifier;
  readonly parameters: readonly Parameter[];
  readonly body: readonly Statement[];
  scope?: FunctionScope;
}

export interface IfStatement {
  readonly kind: 'IfStatement';
  readonly position: SourcePosition;
  readonly condition: Expression;
  readonly thenBody: readonly Statement[];
  /** An `elif` is an IfStatement alone in the else body. */
  readonly elseBody: readonly Statement[];
}

export interface ForStatement {
  readonly kind: 'ForStatement';
  readonly position: SourcePosition;
  readonly target: Expression;
  readonly iterable: Expression;
  readonly body: readonly Statement[];
}

/**
 * `while cond: body`. Parsed so the resolver can reject it with a positioned error (Starlark
 * has no unbounded loops); it never reaches the evaluator.
 */
export interface WhileStatement {
  readonly kind: 'WhileStatement';
  readonly position: SourcePosition;
  readonly condition: Expression;
  readonly body: readonly Statement[];
}

export interface ReturnStatement {
  readonly kind: 'ReturnStatement';
  readonly position: SourcePosition;
  readonly value: Expression | undefined;
}

export interface BranchStatement {
  readonly kind: 'BranchStatement';
  readonly position: SourcePosition;
  readonly branch: 'break' | 'continue';
}

export interface PassStatement {
  readonly kind: 'PassStatement';
  readonly position: SourcePosition;
}

export interface LoadBinding {
  /** The name bound in this file. */
  readonly local: Identifier;
  /** The name exported by the loaded module. */
  readonly exported: string;
}

export interface LoadStatement {
  readonly kind: 'LoadStatement';
  readonly position: SourcePosition;
  readonly module: string;
  readonly bindings: readonly LoadBinding[];
}

export interface StarlarkFile {
  readonly filename: string;
  readonly statements: readonly Statement[];
  scope?: FunctionScope;
}
