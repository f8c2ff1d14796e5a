import type { Redis } from 'ioredis';
import type { EffectArtifact, EffectResult } from '../../engine/index.js';
import { sha256Hex } from '../../util/index.js';
import type { LeafJobOutcome } from '../leaf-job-outcome.js';
import type { QueueKeys } from './queue-keys.js';

/** Artifacts larger than this travel as content-addressed blobs beside the job, not in its result. */
export const BLOB_THRESHOLD_BYTES = 4 * 1024;

/** An artifact whose content is stored under its SHA-256 in Redis. */
interface BlobArtifact {
  readonly kind: EffectArtifact['kind'];
  readonly name: string;
  readonly content: '';
  readonly blob: string;
  readonly bytes: number;
}

/**
 * Moves large artifacts (diffs, transcripts) into `blob:<sha256>` keys: a job's result stays
 * small in BullMQ's hashes and events, identical content (a duplicate delivery, the same diff
 * from two leaves) is stored once, and the coordinator checks each blob against its hash.
 */
export async function stashArtifacts(redis: Redis, keys: QueueKeys, outcome: LeafJobOutcome, ttlSeconds: number): Promise<LeafJobOutcome> {
  switch (outcome.type) {
    case 'completed': {
      if (!outcome.result.artifacts?.length) return outcome;
      const artifacts = await Promise.all(outcome.result.artifacts.map((artifact) => stash(redis, keys, artifact, ttlSeconds)));
      return { ...outcome, result: { ...outcome.result, artifacts } };
    }
    case 'stopped':
      return { ...outcome, artifacts: await Promise.all(outcome.artifacts.map((artifact) => stash(redis, keys, artifact, ttlSeconds))) };
    case 'threw':
      return outcome;
  }
}

async function stash(redis: Redis, keys: QueueKeys, artifact: EffectArtifact, ttlSeconds: number): Promise<EffectArtifact> {
  const bytes = Buffer.byteLength(artifact.content, 'utf8');
  if (bytes <= BLOB_THRESHOLD_BYTES) return artifact;
  const hash = sha256Hex(artifact.content);
  await redis.set(keys.blob(hash), artifact.content, 'EX', ttlSeconds);
  const reference: BlobArtifact = { kind: artifact.kind, name: artifact.name, content: '', blob: hash, bytes };
  return reference;
}

/** The inverse of stashArtifacts at the coordinator; a missing or altered blob is an error, never silently empty. */
export async function resolveArtifacts(redis: Redis, keys: QueueKeys, outcome: LeafJobOutcome): Promise<LeafJobOutcome> {
  switch (outcome.type) {
    case 'completed': {
      if (!outcome.result.artifacts?.some(isBlobArtifact)) return outcome;
      const result: EffectResult = { ...outcome.result, artifacts: await Promise.all(outcome.result.artifacts.map((artifact) => resolve(redis, keys, artifact))) };
      return { ...outcome, result };
    }
    case 'stopped':
      return { ...outcome, artifacts: await Promise.all(outcome.artifacts.map((artifact) => resolve(redis, keys, artifact))) };
    case 'threw':
      return outcome;
  }
}

/** Whether resolveArtifacts has anything to fetch for `outcome`. */
export function carriesBlobs(outcome: LeafJobOutcome): boolean {
  switch (outcome.type) {
    case 'completed':
      return outcome.result.artifacts?.some(isBlobArtifact) ?? false;
    case 'stopped':
      return outcome.artifacts.some(isBlobArtifact);
    case 'threw':
      return false;
  }
}

function isBlobArtifact(artifact: EffectArtifact): boolean {
  return typeof (artifact as Partial<BlobArtifact>).blob === 'string';
}

async function resolve(redis: Redis, keys: QueueKeys, artifact: EffectArtifact): Promise<EffectArtifact> {
  if (!isBlobArtifact(artifact)) return artifact;
  const { blob } = artifact as unknown as BlobArtifact;
  const content = await redis.get(keys.blob(blob));
  if (content === null) throw new Error(`artifact ${artifact.name}: blob ${blob.slice(0, 12)} is missing from the queue (expired?)`);
  if (sha256Hex(content) !== blob) throw new Error(`artifact ${artifact.name}: blob ${blob.slice(0, 12)} does not match its hash`);
  return { kind: artifact.kind, name: artifact.name, content };
}
