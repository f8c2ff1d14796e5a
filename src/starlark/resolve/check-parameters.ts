import { assertNever, type SourcePosition } from '../../util/index.js';
import type { Parameter } from '../syntax/ast.js';

type Report = (message: string, position: SourcePosition) => void;

/**
 * The order rules of a parameter list, reported with the reference implementation's wording:
 * required before optional, at most one `*` and one `**`, `**` last, a bare `*` followed by a
 * keyword-only parameter. Every violation is reported, not just the first.
 */
export function checkParameterOrder(parameters: readonly Parameter[], report: Report): void {
  let sawOptional = false;
  let star: Parameter | undefined;
  let starStar: Parameter | undefined;
  let keywordOnly = 0;
  for (const parameter of parameters) {
    const kwargs = starStar ? `**${starStar.name?.name ?? ''}` : '';
    switch (parameter.kind) {
      case 'required':
        if (starStar) report(`required parameter may not follow ${kwargs}`, parameter.position);
        else if (star) keywordOnly++;
        else if (sawOptional) report('required parameter may not follow optional', parameter.position);
        break;
      case 'optional':
        if (starStar) report(`optional parameter may not follow ${kwargs}`, parameter.position);
        else if (star) keywordOnly++;
        sawOptional = true;
        break;
      case 'star':
        if (starStar) report(`* parameter may not follow ${kwargs}`, parameter.position);
        else if (star) report('multiple * parameters not allowed', parameter.position);
        else star = parameter;
        break;
      case 'starstar':
        if (starStar) report('multiple ** parameters not allowed', parameter.position);
        starStar = parameter;
        break;
      default:
        assertNever(parameter.kind, 'parameter kind');
    }
  }
  if (star && !star.name && keywordOnly === 0) report('bare * must be followed by keyword-only parameters', star.position);
}
