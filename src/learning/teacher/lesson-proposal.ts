import type { LessonBody, Provenance } from '../lesson-schema.js';

/** A lesson as proposed, before it is stored: body, words, and the evidence it rests on. */
export interface LessonProposal {
  readonly body: LessonBody;
  readonly title: string;
  readonly rationale: string;
  readonly provenance: Provenance;
}
