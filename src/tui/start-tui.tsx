import { render } from 'ink';
import type { TraceStore } from '../trace/index.js';
import type { LessonSource } from './lesson-source.js';
import { TuiApp } from './tui-app.js';

export interface StartTuiOptions {
  readonly store: TraceStore;
  readonly cwd: string;
  readonly entryScript: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
  readonly runId?: string;
  readonly lessons?: LessonSource;
  /** The footer's storage line (database and memo sizes, the last janitor pass). */
  readonly storage?: () => string | undefined;
}

/** Renders the TUI on this terminal (at most 10 frames a second) and resolves when the user quits. */
export async function startTui(options: StartTuiOptions): Promise<void> {
  const instance = render(<TuiApp store={options.store} cwd={options.cwd} entryScript={options.entryScript} env={options.env} lessons={options.lessons} storage={options.storage} initial={{ runId: options.runId }} />, {
    maxFps: 10,
    exitOnCtrlC: true,
  });
  await instance.waitUntilExit();
}
