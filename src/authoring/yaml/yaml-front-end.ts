import type { FrontEnd } from '../compiled-workflow.js';
import { parseYamlWithPositions } from './parse-yaml-with-positions.js';

export const yamlFrontEnd: FrontEnd = (file, text, source) => {
  const parsed = parseYamlWithPositions(file, text, source);
  return 'value' in parsed ? { ok: true, document: parsed.value } : { ok: false, diagnostics: parsed.diagnostics };
};
