import { SecretRedactor } from '../util/index.js';
import type { CliContext } from './cli-context.js';

/**
 * Everything a command prints (results, progress, a background run's log, the message of a
 * provider error that echoed an API key) passes the one redaction of util/secrets: the known
 * secrets of this environment and of the configuration, once it is loaded, never reach a
 * terminal or a log.
 */
export function redactingContext(context: CliContext): CliContext {
  const redactor = new SecretRedactor(context.env);
  return {
    stdout: (text) => context.stdout(redactor.redactString(text)),
    stderr: (text) => context.stderr(redactor.redactString(text)),
    cwd: context.cwd,
    env: context.env,
    // Read when asked, not copied: processCliContext builds process.stdout only when it is used.
    get isTty() {
      return context.isTty;
    },
    exitCode: context.exitCode,
    ...(context.stdoutDrained ? { stdoutDrained: context.stdoutDrained } : {}),
  };
}
