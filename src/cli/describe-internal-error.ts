import { inspect } from 'node:util';
import { escapeTerminalText, SecretRedactor } from '../util/index.js';

/** What `bin/whaleflow.js` prints for an error main() did not expect (a bug): redacted and escaped like any other output. */
export function describeInternalError(error: unknown, env: NodeJS.ProcessEnv = process.env): string {
  return `whaleflow: internal error: ${escapeTerminalText(new SecretRedactor(env).redactString(inspect(error)))}\n`;
}
