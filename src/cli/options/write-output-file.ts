import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SecretRedactor, WhaleflowError } from '../../util/index.js';
import { describeFileError } from './describe-file-error.js';

/** A file the user asked for (`-o`, `--out`) could not be written: a clear message, exit 1. */
export class OutputFileError extends WhaleflowError {
  override readonly name = 'OutputFileError';
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`cannot write ${path}: ${describeFileError(cause)}`, { cause });
  }
}

/**
 * Writes `text` to the user's output path (resolved against `cwd`) and returns the absolute
 * path. Like everything the CLI prints, the text is redacted first (util/secrets): a report or
 * export of a run recorded before redaction was exact still carries no known secret.
 */
export function writeOutputFile(context: { readonly cwd: string; readonly env: NodeJS.ProcessEnv }, file: string, text: string): string {
  const path = resolve(context.cwd, file);
  try {
    writeFileSync(path, new SecretRedactor(context.env).redactString(text));
  } catch (error) {
    throw new OutputFileError(path, error);
  }
  return path;
}
