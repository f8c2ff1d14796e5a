import { InvalidArgumentError } from 'commander';
import { statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describeFileError } from './describe-file-error.js';

/**
 * Parsers for file options, checked while the command line is parsed: a missing fixture, a
 * directory given as a file or an output path in a folder that does not exist is a usage
 * error naming the path as it was typed (exit 2), before anything runs. They return the value
 * unchanged; commands resolve it against their working directory as before.
 */

/** An existing regular file to read (`--fixtures`, `--trace`, `--file`). */
export function existingFile(cwd: string): (value: string) => string {
  return (value) => {
    const path = resolve(cwd, value);
    const info = statOrReason(path);
    if (typeof info === 'string') throw new InvalidArgumentError(`cannot read ${value}: ${info}`);
    if (info.isDirectory()) throw new InvalidArgumentError(`${value} is a directory, not a file`);
    return value;
  };
}

/** A file to write (`-o`, `--out`): its folder must exist and it must not be a directory. */
export function writableFilePath(cwd: string): (value: string) => string {
  return (value) => {
    const path = resolve(cwd, value);
    const target = statOrReason(path);
    if (typeof target !== 'string' && target.isDirectory()) throw new InvalidArgumentError(`${value} is a directory; name a file to write`);
    const folder = statOrReason(dirname(path));
    if (typeof folder === 'string') throw new InvalidArgumentError(`cannot write ${value}: its folder ${dirname(value)} does not exist (${folder})`);
    if (!folder.isDirectory()) throw new InvalidArgumentError(`cannot write ${value}: ${dirname(value)} is not a folder`);
    return value;
  };
}

/** A trace database (`--db`): may be missing (commands say so), but never a directory. */
export function databaseFilePath(cwd: string): (value: string) => string {
  return (value) => {
    const path = resolve(cwd, value);
    const info = statOrReason(path);
    if (typeof info !== 'string' && info.isDirectory()) throw new InvalidArgumentError(`${value} is a directory; --db names the database file (e.g. .whaleflow/whaleflow.db)`);
    return value;
  };
}

function statOrReason(path: string): Stats | string {
  try {
    return statSync(path);
  } catch (error) {
    return describeFileError(error);
  }
}
