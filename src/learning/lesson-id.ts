import { sha256Hex } from '../util/index.js';
import { canonicalJson } from './canonical-json.js';
import { LessonBodySchema, type LessonBody } from './lesson-schema.js';

/**
 * A lesson's id: SHA-256 of the canonical JSON of what it says and where it applies (kind,
 * content, scope; scope lists sorted) — the same advice for the same scope is the same lesson,
 * whoever proposed it and from which runs. Title, rationale, provenance and invalidation data
 * describe it and are kept beside it.
 */
export function lessonId(body: LessonBody): string {
  const { kind, content, scope } = LessonBodySchema.parse(body);
  const sortedScope = {
    ...scope,
    paths: [...scope.paths].sort(),
    roles: [...scope.roles].sort(),
    agent_types: [...scope.agent_types].sort(),
    workflows: [...scope.workflows].sort(),
  };
  return sha256Hex(canonicalJson({ kind, content, scope: sortedScope }));
}

/** The short form people see (12 hex digits), accepted wherever a lesson id is. */
export function shortLessonId(id: string): string {
  return id.slice(0, 12);
}
