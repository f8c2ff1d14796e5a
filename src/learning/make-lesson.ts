import { lessonId } from './lesson-id.js';
import { InvalidationSchema, LessonBodySchema, ProvenanceSchema, type Invalidation, type Lesson, type LessonBody, type Provenance } from './lesson-schema.js';

export interface LessonDescription {
  readonly title: string;
  readonly rationale?: string;
  readonly provenance: Provenance;
  readonly invalidation: Partial<Invalidation>;
  readonly createdAt: number;
}

/** A complete lesson from its body and description: the body is validated and the id is its content hash. */
export function makeLesson(body: LessonBody, description: LessonDescription): Lesson {
  const parsed = LessonBodySchema.parse(body);
  return {
    ...parsed,
    id: lessonId(parsed),
    title: description.title.trim().slice(0, 120),
    rationale: (description.rationale ?? '').slice(0, 2_000),
    provenance: ProvenanceSchema.parse(description.provenance),
    invalidation: InvalidationSchema.parse(description.invalidation),
    created_at: description.createdAt,
  } as Lesson;
}
