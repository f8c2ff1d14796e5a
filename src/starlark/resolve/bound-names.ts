import type { Expression, Identifier, Statement } from '../syntax/ast.js';
import { assertNever } from '../../util/index.js';

/**
 * The identifiers a statement list binds in its own block: assignment and loop targets and
 * `def` names, not descending into nested functions or comprehensions.
 */
export function collectBoundIdentifiers(statements: readonly Statement[], into: Identifier[] = []): Identifier[] {
  for (const statement of statements) {
    switch (statement.kind) {
      case 'AssignStatement':
        collectTargetIdentifiers(statement.target, into);
        break;
      case 'DefStatement':
        into.push(statement.name);
        break;
      case 'ForStatement':
        collectTargetIdentifiers(statement.target, into);
        collectBoundIdentifiers(statement.body, into);
        break;
      case 'WhileStatement':
        collectBoundIdentifiers(statement.body, into);
        break;
      case 'IfStatement':
        collectBoundIdentifiers(statement.thenBody, into);
        collectBoundIdentifiers(statement.elseBody, into);
        break;
      case 'LoadStatement':
        for (const binding of statement.bindings) into.push(binding.local);
        break;
      case 'ExpressionStatement':
      case 'ReturnStatement':
      case 'BranchStatement':
      case 'PassStatement':
        break;
      default:
        assertNever(statement, 'statement');
    }
  }
  return into;
}

/** Identifiers bound by an assignment target such as `a, (b, c[0]) = ...` (not `c`). */
export function collectTargetIdentifiers(target: Expression, into: Identifier[]): Identifier[] {
  if (target.kind === 'Identifier') into.push(target);
  else if (target.kind === 'TupleExpression' || target.kind === 'ListExpression') {
    for (const element of target.elements) collectTargetIdentifiers(element, into);
  }
  return into;
}
