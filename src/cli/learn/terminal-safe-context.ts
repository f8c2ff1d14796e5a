import { escapeTerminalText } from '../../util/index.js';
import type { CliContext } from '../cli-context.js';

/**
 * The context `learn` and `overlay` print through. Lessons are untrusted (a teacher model wrote
 * their titles, rationales and texts; an import brought them), and the gate's reasons quote them,
 * so everything these commands print has its control characters shown as escapes. JSON output is
 * written with `terminalSafeJson` first, which leaves nothing for this to change.
 */
export function terminalSafeContext(context: CliContext): CliContext {
  return {
    stdout: (text) => context.stdout(escapeTerminalText(text)),
    stderr: (text) => context.stderr(escapeTerminalText(text)),
    get cwd() {
      return context.cwd;
    },
    get env() {
      return context.env;
    },
    get isTty() {
      return context.isTty;
    },
    get exitCode() {
      return context.exitCode;
    },
    set exitCode(value: number) {
      context.exitCode = value;
    },
  };
}
