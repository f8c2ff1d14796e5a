import { assertNever, type SourcePosition } from '../../util/index.js';
import type { Argument } from '../syntax/ast.js';

type Report = (message: string, position: SourcePosition) => void;

/**
 * The order rules of a call's arguments, with the reference implementation's wording:
 * positional before named, `*args` and `**kwargs` at most once each with `**kwargs` last, no
 * keyword repeated. Every violation is reported.
 */
export function checkArgumentOrder(args: readonly Argument[], report: Report): void {
  let sawStar = false;
  let sawStarStar = false;
  const names = new Set<string>();
  for (const argument of args) {
    switch (argument.kind) {
      case 'starstar':
        if (sawStarStar) report('multiple **kwargs not allowed', argument.position);
        sawStarStar = true;
        break;
      case 'star':
        if (sawStarStar) report('*args may not follow **kwargs', argument.position);
        else if (sawStar) report('multiple *args not allowed', argument.position);
        sawStar = true;
        break;
      case 'keyword':
        if (sawStarStar) report('keyword argument may not follow **kwargs', argument.position);
        if (names.has(argument.name!)) report(`keyword argument ${argument.name} repeated`, argument.position);
        names.add(argument.name!);
        break;
      case 'positional':
        if (sawStar) report('positional argument may not follow *args', argument.position);
        else if (sawStarStar) report('positional argument may not follow **kwargs', argument.position);
        else if (names.size > 0) report('positional argument may not follow named', argument.position);
        break;
      default:
        assertNever(argument.kind, 'argument kind');
    }
  }
}
