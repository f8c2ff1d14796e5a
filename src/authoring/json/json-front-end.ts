import type { FrontEnd } from '../compiled-workflow.js';
import { SourceText } from '../source-text.js';
import { parseJsonWithPositions } from './parse-json-with-positions.js';

export const jsonFrontEnd: FrontEnd = (file, text, source) => {
  const parsed = parseJsonWithPositions(new SourceText(file, text), source);
  return 'value' in parsed ? { ok: true, document: parsed.value } : { ok: false, diagnostics: parsed.diagnostics };
};
