import type { RunEvent, RunOverlay } from '../engine/contracts/index.js';
import type { TraceStore } from '../trace/index.js';

/** The overlay a run recorded in run_started, as inspect and report show it. */
export interface RunOverlayFacts {
  readonly snapshotId: string;
  readonly applied: readonly { readonly id: string; readonly kind: string; readonly title: string; readonly effect: string }[];
  readonly skipped: readonly { readonly id: string; readonly title: string; readonly reason: string }[];
}

/** The recorded overlay of a run; null when the run recorded none (overlay off or --no-overlay). */
export function recordedRunOverlay(store: TraceStore, runId: string): RunOverlayFacts | null {
  const started = store.events(runId, 0, ['run_started'])[0]?.event as Extract<RunEvent, { type: 'run_started' }> | undefined;
  return started?.overlay ? overlayFacts(started.overlay) : null;
}

export function overlayFacts(overlay: RunOverlay): RunOverlayFacts {
  return {
    snapshotId: overlay.snapshotId,
    applied: overlay.lessons.map(({ id, kind, title, effect }) => ({ id, kind, title, effect })),
    skipped: (overlay.skipped ?? []).map(({ id, title, reason }) => ({ id, title, reason })),
  };
}

/** One line: the snapshot and how many lessons it applied and skipped. */
export function overlaySummary(facts: RunOverlayFacts | null): string {
  if (!facts) return 'none';
  const skipped = facts.skipped.length > 0 ? `, ${facts.skipped.length} skipped` : '';
  return `snapshot ${facts.snapshotId.slice(0, 12)}, ${facts.applied.length} lesson(s) applied${skipped}`;
}

/** One line per applied or skipped lesson (raw text: each surface escapes it for its medium). */
export function overlayLessonLines(facts: RunOverlayFacts): string[] {
  return [
    ...facts.applied.map((lesson) => `applied ${lesson.id.slice(0, 12)} ${lesson.kind} "${lesson.title}": ${lesson.effect}`),
    ...facts.skipped.map((lesson) => `skipped ${lesson.id.slice(0, 12)} "${lesson.title}": ${lesson.reason}`),
  ];
}
