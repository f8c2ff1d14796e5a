import { sha256Hex } from '../util/index.js';
import { canonicalJson } from './canonical-json.js';

/** A snapshot's id: the content hash of its lesson set (sorted ids), so the same set is the same snapshot. */
export function snapshotId(lessonIds: Iterable<string>): string {
  return sha256Hex(canonicalJson({ overlay: [...new Set(lessonIds)].sort() }));
}

/** The overlay before anything was promoted. */
export const EMPTY_SNAPSHOT_ID = snapshotId([]);

export function shortSnapshotId(id: string): string {
  return id.slice(0, 12);
}
