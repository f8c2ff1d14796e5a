import type { FrontEnd } from '../compiled-workflow.js';
import { SourceText } from '../source-text.js';
import { parseYamlWithPositions } from './parse-yaml-with-positions.js';

export const yamlFrontEnd: FrontEnd = (file, text, source) => {
  const parsed = parseYamlWithPositions(new SourceText(file, text), source);
  return 'value' in parsed ? { ok: true, document: parsed.value } : { ok: false, diagnostics: parsed.diagnostics };
};
