import { describeError } from '../../util/index.js';

/** Words for the file-system errors users cause (a wrong path, a read-only folder, a full disk). */
const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many symbolic links',
  EEXIST: 'already exists',
  EMFILE: 'too many open files',
};

/** A short reason for a Node file-system error, e.g. "no such file or folder". */
export function describeFileError(error: unknown): string {
  const code = fileErrorCode(error);
  if (code !== undefined) return REASONS[code] ?? code;
  return describeError(error);
}

/** The errno code of a file-system error WhaleFlow can explain, or undefined. */
export function fileErrorCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code in REASONS ? code : undefined;
}
