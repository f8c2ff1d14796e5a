import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { WhaleflowError } from '../../util/index.js';
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

/** Writes `text` to the user's output path (resolved against `cwd`) and returns the absolute path. */
export function writeOutputFile(cwd: string, file: string, text: string): string {
  const path = resolve(cwd, file);
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw new OutputFileError(path, error);
  }
  return path;
}
