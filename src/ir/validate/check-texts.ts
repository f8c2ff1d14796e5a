import type { NodeLocation } from '../walk-nodes.js';
import type { NodeRule, ValidationContext } from './validation-context.js';

/** Goal, leaf prompts, reduce prompts and loop/cond conditions must say something. */
export function checkTexts(context: ValidationContext): NodeRule {
  if (context.spec.goal.trim() === '') {
    context.report('blank-goal', 'workflow goal must not be blank', { path: ['goal'], field: 'goal' });
  }
  return { visit: (location) => checkNodeTexts(context, location) };
}

function checkNodeTexts(context: ValidationContext, location: NodeLocation): void {
  const { node } = location; // not `path`: it is built only for a diagnostic
  const id = node.spec.id;
  switch (node.kind) {
    case 'leaf':
      if (node.spec.prompt.trim() === '') {
        context.report('blank-prompt', 'leaf prompt must not be blank', { path: [...location.path, 'spec', 'prompt'], nodeId: id, field: 'prompt' });
      }
      if (node.spec.command !== undefined && node.spec.command.trim() === '') {
        context.report('blank-command', 'command must not be blank', { path: [...location.path, 'spec', 'command'], nodeId: id, field: 'command' });
      }
      break;
    case 'reduce':
      if (node.spec.prompt.trim() === '') {
        context.report('blank-prompt', 'reduce prompt must not be blank', { path: [...location.path, 'spec', 'prompt'], nodeId: id, field: 'prompt' });
      }
      break;
    case 'loop_until':
    case 'cond':
      if (node.spec.condition.trim() === '') {
        context.report('blank-condition', `${node.kind} condition must not be blank`, {
          path: [...location.path, 'spec', 'condition'],
          nodeId: id,
          field: 'condition',
        });
      }
      break;
    case 'tournament':
      if (node.spec.by === 'judge' && !node.spec.judge?.trim()) {
        context.report('blank-judge', 'a tournament decided by a judge needs a "judge" question', {
          path: [...location.path, 'spec', 'judge'],
          nodeId: id,
          field: 'judge',
        });
      }
      break;
    default:
      break;
  }
}
