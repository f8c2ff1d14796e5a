import type { Usage } from '../ir/index.js';
import type { RunSummary } from './trace-store.js';

// How a run's summary is read from the events table: one query, and its row as a RunSummary.

/**
 * One run's summary columns, straight from its run_started and run_finished rows. The
 * tolerant form reads a row whose payload is not JSON as empty instead of failing the whole
 * query (json_extract raises on malformed JSON), so one damaged run never hides the others;
 * it costs a json_valid per row, so it is only used after the plain form failed.
 */
export function summarySelect(tolerant: boolean): string {
  const started = tolerant ? "(CASE WHEN json_valid(s.payload) THEN s.payload ELSE '{}' END)" : 's.payload';
  const finished = tolerant ? "(CASE WHEN json_valid(f.payload) THEN f.payload ELSE '{}' END)" : 'f.payload';
  return `
  SELECT s.run_id AS run_id,
         json_extract(${started}, '$.label') AS label,
         json_extract(${started}, '$.specHash') AS spec_hash,
         json_extract(${started}, '$.mode') AS mode,
         json_extract(${started}, '$.parentRunId') AS parent_run_id,
         json_extract(${started}, '$.sourceFile') AS source_file,
         s.at AS started_at,
         f.at AS finished_at,
         json_extract(${finished}, '$.status') AS status,
         json_extract(${finished}, '$.usage') AS usage_json,
         max((SELECT MAX(seq) FROM events e WHERE e.run_id = s.run_id),
             coalesce((SELECT MAX(x.seq + x.count - 1) FROM run_references x WHERE x.run_id = s.run_id), -1)) AS max_seq
  FROM events s
  LEFT JOIN events f ON f.run_id = s.run_id AND f.type IN ('run_started', 'run_finished') AND f.type = 'run_finished'
  WHERE s.type IN ('run_started', 'run_finished') AND s.type = 'run_started'`;
}

/** SQLite's complaint about a payload that is not JSON (SQLITE_ERROR, so matched by text). */
export function isMalformedJson(error: unknown): boolean {
  return error instanceof Error && /malformed JSON/i.test(error.message);
}

export interface SummaryRow {
  run_id: string;
  label: string | null;
  spec_hash: string | null;
  mode: RunSummary['mode'] | null;
  parent_run_id: string | null;
  source_file: string | null;
  started_at: number;
  finished_at: number | null;
  status: RunSummary['status'] | null;
  usage_json: string | null;
  max_seq: number | null;
}

export function summaryFromRow(row: SummaryRow): RunSummary {
  return {
    runId: row.run_id,
    // Null only for a damaged run_started row (the tolerant summary): the run is still listed.
    label: row.label ?? row.run_id,
    specHash: row.spec_hash ?? '',
    mode: row.mode ?? 'live',
    parentRunId: row.parent_run_id,
    sourceFile: row.source_file,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    status: row.status ?? 'running',
    usage: parseUsage(row.usage_json),
    eventCount: (row.max_seq ?? -1) + 1,
  };
}

function parseUsage(json: string | null): Usage | null {
  if (json === null) return null;
  try {
    return JSON.parse(json) as Usage;
  } catch {
    return null;
  }
}
