/**
 * Runs `operation`, again while it fails with SQLITE_BUSY, until `timeoutMs` have passed.
 *
 * Two connections preparing a brand-new database at once (a run's main thread opening the memo
 * store while its trace writer thread opens the trace) can get SQLITE_BUSY from
 * `PRAGMA journal_mode = WAL` at once: SQLite does not call the busy handler for that switch, so
 * the connection's busy_timeout never applies. Only setup steps that are safe to repeat belong
 * here. The wait blocks the thread: these steps are synchronous, and they last milliseconds.
 */
export function retryWhileBusy<T>(operation: () => T, timeoutMs = 5000): T {
  const deadline = performance.now() + timeoutMs;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return operation();
    } catch (error) {
      if (!isBusy(error) || performance.now() >= deadline) throw error;
      pauseThread(Math.min(2 ** attempt, 50));
    }
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

function pauseThread(milliseconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, milliseconds);
}
