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
  override readonly name: string = 'CorruptTraceError';
}

/**
 * One stored event that cannot be read back (invalid JSON, an unknown shape, a missing or
 * altered blob). Only its run is affected: listing and the other runs still work.
 */
export class DamagedEventError extends CorruptTraceError {
  override readonly name = 'DamagedEventError';
  constructor(
    readonly location: string,
    readonly runId: string,
    readonly seq: number,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${location}: event ${seq} of run ${runId} is damaged (${reason}); this run cannot be shown in full, replayed, resumed or exported. Other runs are not affected.`, options);
  }
}

/** A blob whose content no longer hashes to its name: it was altered after it was written. */
export class BlobIntegrityError extends CorruptTraceError {
  override readonly name = 'BlobIntegrityError';
  constructor(
    readonly location: string,
    readonly hash: string,
    readonly actualHash: string,
  ) {
    super(`${location}: blob ${hash} was altered after it was written (its content now hashes to ${actualHash}); the runs that use it cannot be replayed or exported faithfully.`);
  }
}

/** A blob hash that names no stored blob. */
export class BlobNotFoundError extends WhaleflowError {
  override readonly name = 'BlobNotFoundError';
  constructor(readonly hash: string) {
    super(`no blob ${hash} in this trace store`);
  }
}
