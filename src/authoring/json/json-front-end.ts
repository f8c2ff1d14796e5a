import type { FrontEnd } from '../compiled-workflow.js';
import { SourceText } from '../source-text.js';
import { parseJsonWithoutPositions } from './parse-json-without-positions.js';
import { parseJsonWithPositions } from './parse-json-with-positions.js';

/**
 * JSON.parse first; positions are found only when something asks for one (a diagnostic), by
 * reading the text again with the position-recording reader. A document JSON.parse cannot take
 * as the strict reader would (syntax, duplicate keys, nesting) goes to that reader at once.
 */
export const jsonFrontEnd: FrontEnd = (file, text, source) => {
  const fast = parseJsonWithoutPositions(text);
  if (fast) {
    source.defer(fast.value, (into) => void parseJsonWithPositions(new SourceText(file, text), into));
    return { ok: true, document: fast.value };
  }
  const parsed = parseJsonWithPositions(new SourceText(file, text), source);
  return 'value' in parsed ? { ok: true, document: parsed.value } : { ok: false, diagnostics: parsed.diagnostics };
};
