import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { WhaleflowError } from '../whaleflow-error.js';
import { compileLinearRegex, InvalidRegexError } from './linear-regex.js';
import type { LineSearchOutcome, LineSearchRequest } from './line-search.js';
import type { SearchLinesReply } from './search-lines-worker.js';

/** The search ran past its deadline and was stopped. */
export class SearchDeadlineError extends WhaleflowError {
  override readonly name = 'SearchDeadlineError';
  constructor(readonly timeoutMs: number) {
    super(`the search was stopped after ${timeoutMs} ms (a costly pattern or too much text: narrow the path or the pattern)`);
  }
}

export interface SearchLinesOptions {
  /** Hard deadline: the search thread is terminated when it passes. */
  readonly timeoutMs: number;
  /** Cancels at once: the search thread is terminated and the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/**
 * Searches lines with a pattern untrusted input chose, off the main thread: the linear-time
 * engine keeps every pattern from going exponential, and the worker thread keeps even a large
 * search from blocking the event loop, so a cancel or the deadline acts at once (the thread
 * is terminated mid-match). An invalid pattern is reported before any thread starts.
 */
export async function searchLines(request: LineSearchRequest, options: SearchLinesOptions): Promise<LineSearchOutcome> {
  compileLinearRegex(request.pattern, { ignoreCase: request.ignoreCase }); // an InvalidRegexError rejects here
  options.signal?.throwIfAborted();
  return new Promise((resolve, reject) => {
    const worker = startWorker(request);
    let settled = false;
    const settle = (finish: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      finish();
    };
    const timer = setTimeout(() => settle(() => reject(new SearchDeadlineError(options.timeoutMs))), Math.max(0, options.timeoutMs));
    const onAbort = (): void => settle(() => reject(options.signal!.reason));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (reply: SearchLinesReply) => {
      if (reply.type === 'done') settle(() => resolve(reply.outcome));
      else settle(() => reject(reply.invalidPattern ? new InvalidRegexError(request.pattern, reply.message) : new Error(`search failed: ${reply.message}`)));
    });
    worker.once('error', (error) => settle(() => reject(error)));
    worker.once('exit', (code) => settle(() => reject(new Error(`the search thread exited (code ${code}) without an answer`))));
  });
}

/** The compiled worker in dist/, or (from the TypeScript sources, as under vitest) a bootstrap that registers tsx first. */
function startWorker(request: LineSearchRequest): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: 512 };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./search-lines-worker.js', import.meta.url), { workerData: request, resourceLimits });
  const tsxApi = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const source = new URL('./search-lines-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: request, resourceLimits });
}
