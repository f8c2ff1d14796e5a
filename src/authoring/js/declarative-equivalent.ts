import ts from 'typescript';
import { stripTypeSyntax } from './read-literal.js';

/** The calls of CodeWhale's imperative workflow API that have a declarative counterpart. */
export const IMPERATIVE_CALLS = ['phase', 'parallel', 'task', 'agent'] as const;
export type ImperativeCall = (typeof IMPERATIVE_CALLS)[number];

const KNOWN_AGENT_TYPES: ReadonlySet<string> = new Set(['general', 'explore', 'plan', 'review', 'implementer', 'verifier']);
/** How many children of a `parallel([...])` the rendering spells out before `...`. */
const SHOWN_CHILDREN = 2;

/**
 * The declarative node (in the `.workflow.js` wrapper form) that does what one imperative
 * call does, for the refusal message: `phase("Review")` → a named sequence, `parallel([...])`
 * → a parallel branch, `task({...})` / `agent("...")` → an agent leaf. Literal arguments are
 * carried over; computed ones become `"..."`.
 */
export function declarativeEquivalent(call: ts.CallExpression, name: ImperativeCall, index: number): string {
  switch (name) {
    case 'phase': {
      const title = stringArgument(call.arguments[0]);
      return `{ sequence: { id: ${quote(slug(title ?? `phase-${index}`))}, children: [/* the steps of this phase */] } }`;
    }
    case 'parallel': {
      const list = call.arguments[0] && stripTypeSyntax(call.arguments[0]);
      const children = list && ts.isArrayLiteralExpression(list) ? list.elements.map((element, position) => childOf(element, position + 1)) : [];
      const shown = children.filter((child): child is string => child !== undefined).slice(0, SHOWN_CHILDREN);
      const rest = children.length > shown.length ? ['/* ... */'] : [];
      const inner = shown.length > 0 ? ` ${[...shown, ...rest].join(', ')} ` : ' /* one node per parallel step */ ';
      return `{ branch: { id: ${quote(`parallel-${index}`)}, children: [${inner}] } }`;
    }
    case 'task':
      return taskEquivalent(call, index);
    case 'agent': {
      const prompt = stringArgument(call.arguments[0]);
      const options = call.arguments[1] && stripTypeSyntax(call.arguments[1]);
      const label = options && ts.isObjectLiteralExpression(options) ? stringProperty(options, 'label') : undefined;
      return agentNode(label ?? `agent-${index}`, prompt, undefined, undefined);
    }
  }
}

/** A `() => task({...})` thunk (or a bare call) in a parallel list. */
function childOf(element: ts.Expression, position: number): string | undefined {
  const expression = stripTypeSyntax(element);
  const body = ts.isArrowFunction(expression) || ts.isFunctionExpression(expression) ? returnedExpression(expression) : expression;
  if (!body) return undefined;
  const inner = stripTypeSyntax(ts.isAwaitExpression(body) ? body.expression : body);
  if (!ts.isCallExpression(inner) || !ts.isIdentifier(inner.expression)) return undefined;
  const callee = inner.expression.text;
  if (callee === 'task' || callee === 'agent') return declarativeEquivalent(inner, callee, position);
  return undefined;
}

function returnedExpression(fn: ts.ArrowFunction | ts.FunctionExpression): ts.Expression | undefined {
  if (!ts.isBlock(fn.body)) return fn.body;
  const statement = fn.body.statements.find(ts.isReturnStatement);
  return statement?.expression;
}

/** `task({label, description|prompt, type, worktree, writeAuthority})` → an agent leaf. */
function taskEquivalent(call: ts.CallExpression, index: number): string {
  const options = call.arguments[0] && stripTypeSyntax(call.arguments[0]);
  if (!options || !ts.isObjectLiteralExpression(options)) return agentNode(`task-${index}`, undefined, undefined, undefined);
  const label = stringProperty(options, 'label');
  const prompt = stringProperty(options, 'prompt') ?? stringProperty(options, 'description');
  const type = stringProperty(options, 'type');
  const writes = stringProperty(options, 'writeAuthority');
  const worktree = booleanProperty(options, 'worktree');
  const extras: string[] = [];
  if (writes !== undefined && writes !== 'read_only') extras.push('mode: "read_write"');
  if (worktree === true) extras.push('isolation: "worktree"');
  return agentNode(label ?? `task-${index}`, prompt, type !== undefined && KNOWN_AGENT_TYPES.has(type) ? type : undefined, extras);
}

function agentNode(id: string, prompt: string | undefined, agentType: string | undefined, extras: readonly string[] | undefined): string {
  const fields = [`id: ${quote(slug(id))}`, `prompt: ${prompt === undefined ? '"..."' : quote(abbreviate(prompt))}`];
  if (agentType) fields.push(`agent_type: ${quote(agentType)}`);
  fields.push(...(extras ?? []));
  return `{ agent: { ${fields.join(', ')} } }`;
}

function property(object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const element of object.properties) {
    if (!ts.isPropertyAssignment(element)) continue;
    const key = ts.isIdentifier(element.name) || ts.isStringLiteral(element.name) ? element.name.text : undefined;
    if (key === name) return stripTypeSyntax(element.initializer);
  }
  return undefined;
}

function stringProperty(object: ts.ObjectLiteralExpression, name: string): string | undefined {
  return stringArgument(property(object, name));
}

function booleanProperty(object: ts.ObjectLiteralExpression, name: string): boolean | undefined {
  const value = property(object, name);
  if (value?.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (value?.kind === ts.SyntaxKind.FalseKeyword) return false;
  return undefined;
}

/** The text of a string literal argument; undefined for anything computed. */
function stringArgument(node: ts.Expression | undefined): string | undefined {
  const expression = node && stripTypeSyntax(node);
  if (expression && (ts.isStringLiteral(expression) || ts.isNoSubstitutionTemplateLiteral(expression))) return expression.text;
  return undefined;
}

/** A node id from a label or title: lowercase words joined by dashes. */
function slug(text: string): string {
  const words = text.toLowerCase().replace(/[^a-z0-9_]+/g, '-').replace(/^-+|-+$/g, '');
  return words === '' ? 'step' : words;
}

function abbreviate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function quote(text: string): string {
  return JSON.stringify(text);
}
