import type { CliContext } from '../cli-context.js';

/** The signals that stop a run: Ctrl-C, `kill` (and service managers), a closed terminal. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** Shell convention for "ended by signal N": 128 + N. */
const SIGNAL_EXIT_CODES: Record<StopSignal, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

export interface StopSignals {
  /** Aborted (reason: a user cancel naming the signal) at the first signal. */
  readonly signal: AbortSignal;
  /** The first signal received, if any. */
  readonly received: StopSignal | undefined;
  /** 128 + the signal's number once one was received (130 for Ctrl-C, 143 for SIGTERM). */
  readonly exitCode: number | undefined;
  dispose(): void;
}

/**
 * SIGINT, SIGTERM and SIGHUP all stop a run the same way: the first cancels it cleanly (every
 * running leaf is stopped — its command's process group killed, its worktree closed — and the
 * run is recorded as cancelled); a second one exits at once, and the exit hook of the command
 * runner kills what still runs (see runProcess). Without this, SIGTERM ended WhaleFlow at once
 * while a leaf's command went on writing.
 */
export function listenForStopSignals(context: Pick<CliContext, 'stderr'>, exit: (code: number) => never = process.exit): StopSignals {
  const controller = new AbortController();
  let received: StopSignal | undefined;
  const handlers = new Map<StopSignal, () => void>();
  for (const name of STOP_SIGNALS) {
    const handler = (): void => {
      if (received !== undefined) exit(SIGNAL_EXIT_CODES[name]);
      received = name;
      const how = name === 'SIGINT' ? 'Ctrl-C' : name;
      context.stderr(`\ncancelling (${how})… send it again to stop at once\n`);
      controller.abort({ type: 'user', message: `interrupted (${how})` });
    };
    handlers.set(name, handler);
    process.on(name, handler);
  }
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    get exitCode() {
      return received === undefined ? undefined : SIGNAL_EXIT_CODES[received];
    },
    dispose: () => {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}
