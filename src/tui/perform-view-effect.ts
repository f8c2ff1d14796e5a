import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildRunReport, renderRunReport, requestRunCancel, type LivenessOptions } from '../runs/index.js';
import { exportRun, RunNotFoundError, SecretRedactor, TRACE_DIRECTORY_NAME, type TraceStore } from '../trace/index.js';
import { assertNever, describeError } from '../util/index.js';
import type { LessonSource } from './lesson-source.js';
import type { ViewAction, ViewEffect } from './view-state.js';

export interface EffectEnvironment {
  readonly store: TraceStore;
  readonly cwd: string;
  /** The whaleflow entry script `r` runs `whaleflow replay` with. */
  readonly entryScript: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
  readonly dispatch: (action: ViewAction) => void;
  readonly quit: () => void;
  /** How the views judge liveness (clock, pid check); a cancel is recorded only for a live run. */
  readonly liveness?: Partial<LivenessOptions>;
  /** Lessons and the overlay (the lessons view); absent where the project has none to offer. */
  readonly lessons?: LessonSource;
}

/**
 * Performs what the reducer asked for. Only reads the store, writes cancel requests and
 * files, or spawns `whaleflow replay` (which itself makes no model call): the TUI never
 * talks to a provider. Failures come back as an error line, never a crash.
 */
export function performViewEffect(effect: ViewEffect, environment: EffectEnvironment): void {
  try {
    performOrThrow(effect, environment);
  } catch (error) {
    environment.dispatch({ type: 'error', text: describeError(error) });
  }
}

function performOrThrow(effect: ViewEffect, environment: EffectEnvironment): void {
  const { store, dispatch } = environment;
  switch (effect.type) {
    case 'cancel': {
      const outcome = requestRunCancel(store, effect.runId, effect.nodeId, environment.liveness);
      const target = effect.nodeId ? `node ${effect.nodeId}` : `run ${effect.runId.slice(0, 8)}`;
      dispatch({ type: 'message', text: outcome.recorded ? `cancel requested for ${target}` : `run is ${outcome.finishedStatus}; nothing to cancel` });
      return;
    }
    case 'replay':
      startReplay(effect.runId, environment);
      return;
    case 'report': {
      const run = store.getRun(effect.runId);
      if (!run) throw new RunNotFoundError(effect.runId);
      const path = writeUnderProject(environment.cwd, 'reports', `${effect.runId}.md`, renderRunReport(buildRunReport(store, run), 'md'));
      dispatch({ type: 'message', text: `report written to ${path}` });
      return;
    }
    case 'export': {
      const document = exportRun(store, effect.runId, { redactor: new SecretRedactor(environment.env ?? process.env) });
      const path = writeUnderProject(environment.cwd, 'exports', `${effect.runId}.json`, `${JSON.stringify(document, null, 2)}\n`);
      dispatch({ type: 'message', text: `export written to ${path}` });
      return;
    }
    case 'load_leaf': {
      const activities: string[] = [];
      let fullOutput: string | null = null;
      for (const { event } of store.events(effect.runId)) {
        if (event.type === 'activity' && event.nodeId === effect.nodeId) activities.push(event.message);
        if (event.type === 'node_finished' && event.nodeId === effect.nodeId) fullOutput = event.output;
      }
      dispatch({ type: 'leaf_loaded', detail: { runId: effect.runId, nodeId: effect.nodeId, activities, fullOutput } });
      return;
    }
    case 'load_lessons':
      dispatch({ type: 'lessons_loaded', lessons: lessonSourceOf(environment).list() });
      return;
    case 'change_lesson': {
      const source = lessonSourceOf(environment);
      const outcome = effect.action === 'promote' ? source.promote(effect.lessonId) : source.revert(effect.lessonId);
      dispatch({ type: 'lessons_loaded', lessons: source.list() });
      dispatch({ type: 'message', text: outcome });
      return;
    }
    case 'quit':
      environment.quit();
      return;
    default:
      assertNever(effect);
  }
}

function lessonSourceOf(environment: EffectEnvironment): LessonSource {
  if (!environment.lessons) throw new Error('lessons are not available in this TUI (no project database)');
  return environment.lessons;
}

function writeUnderProject(cwd: string, folder: string, name: string, text: string): string {
  const directory = join(cwd, TRACE_DIRECTORY_NAME, folder);
  mkdirSync(directory, { recursive: true });
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

/** Runs `whaleflow replay RUN` as a child process and reports its parity verdict line. */
function startReplay(runId: string, environment: EffectEnvironment): void {
  if (!environment.entryScript) throw new Error('cannot find the whaleflow entry script to run a replay');
  execFile(
    process.execPath,
    [environment.entryScript, 'replay', runId],
    { cwd: environment.cwd, env: environment.env ?? process.env, maxBuffer: 64 * 1024 * 1024 },
    (error, stdout, stderr) => {
      const verdict = stdout.split('\n').find((line) => line.startsWith('parity:'));
      if (verdict) environment.dispatch({ type: 'message', text: `replay of ${runId.slice(0, 8)}: ${verdict}` });
      else environment.dispatch({ type: 'error', text: `replay of ${runId.slice(0, 8)} failed: ${(stderr || error?.message || 'no verdict').trim().split('\n')[0]}` });
    },
  );
}
