import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TraceStore } from '../trace/index.js';
import { findAuthorityFields, lessonPolicyViolations, type AuthorityContext } from './lesson-authority.js';
import { lessonId } from './lesson-id.js';
import { LessonBodySchema, LessonRecordSchema, type Lesson } from './lesson-schema.js';
import { LessonImportRefusedError } from './learning-errors.js';
import type { LearningStore } from './learning-store.js';
import type { OverlayHead } from './overlay-store.js';

export const OVERLAY_EXPORT_FORMAT = 'whaleflow-overlay';
export const OVERLAY_EXPORT_VERSION = 1;

export interface OverlayExport {
  readonly format: typeof OVERLAY_EXPORT_FORMAT;
  readonly version: number;
  readonly repository: string;
  readonly snapshotId: string;
  readonly exportedAt: number;
  readonly lessons: readonly Lesson[];
}

/** The overlay's lessons as one JSON document, for another clone of the same repository. */
export function exportOverlay(store: LearningStore, repository: string): OverlayExport {
  const head = store.overlay.head();
  return {
    format: OVERLAY_EXPORT_FORMAT,
    version: OVERLAY_EXPORT_VERSION,
    repository,
    snapshotId: head.snapshotId,
    exportedAt: store.now(),
    lessons: head.lessonIds.flatMap((id) => store.lessons.get(id) ?? []),
  };
}

export interface ImportOutcome {
  readonly imported: readonly string[];
  readonly alreadyKnown: readonly string[];
  readonly head: OverlayHead;
}

/**
 * Imports an overlay export, all or nothing. Every lesson is checked as untrusted input: no field
 * that would carry authority (a permission, a budget, a command outside a regression test), the
 * strict schema, its id equal to its content hash (not tampered), this repository, and a
 * regression test's command declared by a workflow this project ran or by the configuration.
 * One refusal refuses the file, naming every problem. Accepted lessons join the overlay in one
 * step (or are only proposed, for the gate, with `proposeOnly`).
 */
export function importOverlay(store: LearningStore, file: { readonly path: string; readonly cwd: string }, authority: AuthorityContext, options: { readonly proposeOnly?: boolean } = {}): ImportOutcome {
  const path = resolve(file.cwd, file.path);
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new LessonImportRefusedError(path, [`not a readable JSON file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
  const { lessons, problems } = checkImport(document, authority);
  if (problems.length > 0) throw new LessonImportRefusedError(path, problems);
  const imported: string[] = [];
  const alreadyKnown: string[] = [];
  const reason = `imported from ${path}`;
  const head = store.transaction(() => {
    for (const lesson of lessons) {
      const stored = store.lessons.add({ ...lesson, provenance: { ...lesson.provenance, parents: lesson.provenance.parents } }, [reason]);
      (stored.created ? imported : alreadyKnown).push(lesson.id);
    }
    if (options.proposeOnly) return store.overlay.head();
    return store.overlay.admitImported(lessons.filter((lesson) => store.lessons.status(lesson.id) !== 'rejected').map((lesson) => lesson.id), reason);
  });
  return { imported, alreadyKnown, head };
}

function checkImport(document: unknown, authority: AuthorityContext): { lessons: Lesson[]; problems: string[] } {
  const problems: string[] = [];
  if (document === null || typeof document !== 'object' || (document as { format?: unknown }).format !== OVERLAY_EXPORT_FORMAT) {
    return { lessons: [], problems: [`not an overlay export (expected "format": "${OVERLAY_EXPORT_FORMAT}", as \`whaleflow overlay export\` writes)`] };
  }
  const { version, lessons: raw } = document as { version?: unknown; lessons?: unknown };
  if (version !== OVERLAY_EXPORT_VERSION) problems.push(`export version ${String(version)} is not supported (this WhaleFlow reads version ${OVERLAY_EXPORT_VERSION})`);
  if (!Array.isArray(raw)) return { lessons: [], problems: [...problems, '"lessons" must be a list'] };
  const lessons: Lesson[] = [];
  raw.forEach((entry, index) => {
    const label = `lesson ${index + 1}${entry && typeof entry === 'object' && typeof (entry as { title?: unknown }).title === 'string' ? ` "${(entry as { title: string }).title}"` : ''}`;
    const authorityProblems = findAuthorityFields(entry, label).filter((problem) => !/\((provenance|invalidation)\./.test(problem));
    if (authorityProblems.length > 0) {
      problems.push(...authorityProblems);
      return;
    }
    const record = LessonRecordSchema.safeParse(entry);
    if (!record.success) {
      problems.push(...record.error.issues.map((issue) => `${label}: ${issue.path.join('.') || '(lesson)'}: ${issue.message}`));
      return;
    }
    const body = LessonBodySchema.safeParse({ kind: record.data.kind, content: record.data.content, scope: record.data.scope });
    if (!body.success) {
      problems.push(...body.error.issues.map((issue) => `${label}: ${issue.path.join('.')}: ${issue.message}`));
      return;
    }
    if (lessonId(body.data) !== record.data.id) {
      problems.push(`${label}: its id does not match its content (the lesson was altered after export)`);
      return;
    }
    const violations = lessonPolicyViolations(body.data, authority, label);
    if (violations.length > 0) {
      problems.push(...violations);
      return;
    }
    lessons.push({ ...record.data, ...body.data, provenance: { ...record.data.provenance } } as Lesson);
  });
  return { lessons, problems };
}

/** Commands declared by the workflows this project has run (their test and shell leaves), for checking imported regression tests. */
export function commandsDeclaredInProject(trace: TraceStore, limit = 500): Set<string> {
  const commands = new Set<string>();
  for (const run of trace.listRuns({ limit })) {
    const started = trace.events(run.runId, 0, ['run_started'])[0]?.event;
    if (started?.type !== 'run_started') continue;
    const text = started.overlay?.baseSpec ?? started.spec;
    for (const match of text.matchAll(/"command":("(?:[^"\\]|\\.)*")/g)) {
      try {
        commands.add((JSON.parse(match[1]!) as string).trim());
      } catch {
        // not a string literal after all
      }
    }
  }
  return commands;
}
