import { WhaleflowError } from '../util/index.js';

/** A run reference (id, prefix or `last`) that matches no stored run. */
export class RunNotFoundError extends WhaleflowError {
  override readonly name = 'RunNotFoundError';
  constructor(readonly reference: string) {
    super(reference === 'last' ? 'no runs recorded yet' : `no run matches "${reference}" (see the run ids with \`whaleflow ps\` or use \`last\`)`);
  }
}

/** A run id prefix that matches more than one run. */
export class AmbiguousRunReferenceError extends WhaleflowError {
  override readonly name = 'AmbiguousRunReferenceError';
  constructor(
    readonly reference: string,
    readonly candidates: readonly string[],
  ) {
    super(`"${reference}" matches ${candidates.length} runs (${candidates.slice(0, 5).join(', ')}${candidates.length > 5 ? ', …' : ''}); give more of the id`);
  }
}

/** The database was written by a newer WhaleFlow than this one. */
export class TraceSchemaTooNewError extends WhaleflowError {
  override readonly name = 'TraceSchemaTooNewError';
  constructor(
    readonly path: string,
    readonly foundVersion: number,
    readonly supportedVersion: number,
  ) {
    super(`${path}: trace schema version ${foundVersion} is newer than this WhaleFlow supports (${supportedVersion}); upgrade WhaleFlow`);
  }
}

/** A trace (database or export file) that is unreadable or internally inconsistent. */
export class CorruptTraceError extends WhaleflowError {
  override readonly name = 'CorruptTraceError';
}

/** A blob hash that names no stored blob. */
export class BlobNotFoundError extends WhaleflowError {
  override readonly name = 'BlobNotFoundError';
  constructor(readonly hash: string) {
    super(`no blob ${hash} in this trace store`);
  }
}
