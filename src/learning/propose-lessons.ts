import { resolveRoute } from '../config/index.js';
import { SecretRedactor, sha256Hex } from '../util/index.js';
import type { Lesson } from './lesson-schema.js';
import { makeLesson } from './make-lesson.js';
import { modelFamily } from './model-family.js';
import { authorityContextOf } from './overlay-settings.js';
import { scopedFiles } from './repository-state.js';
import { declaredCommandsOf } from './structural-lessons.js';
import type { LearningRuntime } from './student/learning-runtime.js';
import { deterministicProposals } from './teacher/deterministic-proposals.js';
import type { LessonProposal } from './teacher/lesson-proposal.js';
import { collectRunEvidence } from './teacher/run-evidence.js';
import { askTeacher, TeacherProposalError } from './teacher/teacher-review.js';

export interface ProposedLesson {
  readonly lesson: Lesson;
  /** False when the same lesson (same kind, content and scope) was already known. */
  readonly created: boolean;
}

export interface ProposeOutcome {
  readonly runs: readonly string[];
  readonly lessons: readonly ProposedLesson[];
  readonly teacher: { readonly used: boolean; readonly calls: number; readonly tokens: number; readonly error?: TeacherProposalError };
}

/**
 * TeacherReview: reads the evidence of finished runs from the trace, makes the deterministic
 * proposals, asks the teacher model (when there is one) for more, and records every lesson as
 * `proposed` with its provenance and invalidation data. Nothing is applied: only the gate
 * admits lessons into the overlay. A teacher reply that stays invalid after one repair fails the
 * teacher's part (reported), never the deterministic proposals.
 */
export async function proposeLessons(runtime: LearningRuntime, runIds: readonly string[], options: { readonly signal?: AbortSignal } = {}): Promise<ProposeOutcome> {
  const evidence = runIds.map((runId) => collectRunEvidence(runtime.trace, runId));
  const declared = evidence.flatMap((run) => [...declaredCommandsOf(run.spec)]);
  const authority = authorityContextOf(runtime.config, runtime.repository.identity, declared);
  const proposals: LessonProposal[] = deterministicProposals(evidence, { repository: runtime.repository.identity, crossRun: runtime.config.memo.crossRun });
  let teacher: ProposeOutcome['teacher'] = { used: false, calls: 0, tokens: 0 };
  if (runtime.teacher) {
    try {
      const outcome = await askTeacher(runtime.teacher, evidence, authority, options.signal);
      proposals.push(...outcome.proposals);
      teacher = { used: true, calls: outcome.calls, tokens: outcome.tokens };
    } catch (error) {
      if (!(error instanceof TeacherProposalError)) throw error;
      teacher = { used: true, calls: 2, tokens: 0, error };
    }
  }
  const configVersion = runtime.config.sourceFile ? sha256Hex(runtime.config.sourceFile) : 'embedded';
  // A lesson is stored and exported as proposed, its id the hash of its content: redacted before
  // it is made (a teacher reply can echo a key), so the id covers what is kept and exports import.
  const redactor = new SecretRedactor();
  const lessons = proposals.map((unredacted) => {
    const proposal = redactor.redact(unredacted);
    const role = proposal.body.scope.roles[0] ?? 'default';
    let model: string | null = null;
    try {
      model = modelFamily(resolveRoute(runtime.config, { role }).model);
    } catch {
      model = null;
    }
    const lesson = makeLesson(proposal.body, {
      title: proposal.title,
      rationale: proposal.rationale,
      provenance: proposal.provenance,
      invalidation: { commit: runtime.repository.head, files: scopedFiles(runtime.repository, proposal.body.scope.paths), model, config_version: configVersion },
      createdAt: runtime.environment.now(),
    });
    return runtime.store.lessons.add(lesson, [`proposed by ${proposal.provenance.proposer.type === 'teacher' ? `the teacher (${proposal.provenance.proposer.route})` : proposal.provenance.proposer.type === 'rule' ? `rule ${proposal.provenance.proposer.rule}` : 'import'}: ${proposal.rationale.slice(0, 300)}`]);
  });
  return { runs: runIds, lessons, teacher };
}
