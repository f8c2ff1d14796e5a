import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * `mkdir -p`, with the reason a directory cannot be made. Node 20's recursive mkdir reports
 * ENOENT when the real refusal is the file system's (a read-only mount gives EROFS), so a user
 * would read "no such file or folder" about a folder they are looking at. On ENOENT this makes
 * the first missing directory alone, which fails with the true reason; should that succeed
 * (another process made it meanwhile), the whole path is made again.
 */
export function makeDirectories(directory: string): void {
  try {
    mkdirSync(directory, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    let missing = directory;
    while (dirname(missing) !== missing && !existsSync(dirname(missing))) missing = dirname(missing);
    mkdirSync(missing);
    mkdirSync(directory, { recursive: true });
  }
}
