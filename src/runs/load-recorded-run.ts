import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseTraceExport, type TraceStore } from '../trace/index.js';
import { WhaleflowError } from '../util/index.js';
import { readRecordedRun, recordedRunFromEvents, type RecordedRun } from './recorded-run.js';
import { resolveRunReference } from './resolve-run-reference.js';

/** Where the run to replay comes from: the project's store, or an export file (`--trace FILE`). */
export function loadRecordedRun(store: TraceStore, source: { readonly reference?: string; readonly traceFile?: string; readonly cwd: string; readonly noteRows?: boolean }): RecordedRun {
  if (source.traceFile) {
    const path = resolve(source.cwd, source.traceFile);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new WhaleflowError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const document = parseTraceExport(text, path);
    if (source.reference && !document.run.runId.startsWith(source.reference) && source.reference !== 'last') {
      throw new WhaleflowError(`${path} holds run ${document.run.runId}, not "${source.reference}"`);
    }
    return recordedRunFromEvents(document.run.runId, document.events.map((stored) => stored.event));
  }
  if (!source.reference) throw new WhaleflowError('name a run to replay (an id, a prefix or "last"), or give --trace FILE');
  return readRecordedRun(store, resolveRunReference(store, source.reference).runId, { noteRows: source.noteRows });
}
