import type { WhaleflowConfig } from '../../config/index.js';
import { listNodes, type WorkflowSpec } from '../../ir/index.js';
import { describeError } from '../../util/index.js';
import type { RunProvider } from '../run/index.js';

export interface ProposeAfterReviewOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly config: WhaleflowConfig;
  readonly spec: WorkflowSpec;
  readonly runId: string;
  readonly provider: RunProvider;
  readonly fixturesPath?: string;
}

/**
 * A workflow's `teacher_review` node asks for a review of its run: once the run is recorded, and
 * with `learning.enabled`, TeacherReview reads the run's evidence from the trace and records the
 * lessons it proposes, exactly as `whaleflow learn propose RUN` does. Nothing is applied: only
 * the gate admits lessons. Returns the lines to print; a failure is one of them, never the run's.
 */
export async function proposeAfterReview(options: ProposeAfterReviewOptions): Promise<string[]> {
  if (!options.config.learning.enabled) return [];
  if (!listNodes(options.spec).some(({ node }) => node.kind === 'teacher_review')) return [];
  try {
    // Loaded only for a run that asks for a review, with learning on: every other run's start skips the learning modules.
    const [{ proposeLessons, shortLessonId }, { openLearningRuntime }] = await Promise.all([import('../../learning/index.js'), import('./open-learning-runtime.js')]);
    const runtime = await openLearningRuntime({ cwd: options.cwd, env: options.env, provider: options.provider, ...(options.fixturesPath ? { fixturesPath: options.fixturesPath } : {}) });
    try {
      const outcome = await proposeLessons(runtime, [options.runId]);
      const lines = [`teacher review: ${outcome.lessons.length} lesson(s) proposed from this run${outcome.lessons.length > 0 ? ' (nothing is applied before `whaleflow learn gate LESSON`)' : ''}`];
      for (const { lesson, created } of outcome.lessons) lines.push(`  ${shortLessonId(lesson.id)}  ${lesson.kind.padEnd(20)} ${lesson.title}${created ? '' : '  (already known)'}`);
      if (outcome.teacher.error) lines.push(`  the teacher's own proposal failed validation: ${outcome.teacher.error.problems.slice(0, 3).join('; ')}`);
      return lines;
    } finally {
      runtime.close();
    }
  } catch (error) {
    return [`teacher review: no lessons proposed (${describeError(error)}); \`whaleflow learn propose ${options.runId.slice(0, 8)}\` retries`];
  }
}
