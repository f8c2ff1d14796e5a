import type Database from 'better-sqlite3';
import { JanitorRecords, type JanitorActionRecord, type JanitorPassRecord } from './janitor-records.js';
import { formatBytes } from './janitor-summary.js';

/** One line about a pass: when, how it was started, how it ended. */
export function describePass(pass: JanitorPassRecord): string {
  const when = new Date(pass.startedAt).toISOString();
  const outcome = pass.outcome === 'running' ? 'interrupted or still running' : pass.outcome;
  const freed = pass.fileBytesBefore !== null && pass.fileBytesAfter !== null ? `, file ${formatBytes(pass.fileBytesBefore)} → ${formatBytes(pass.fileBytesAfter)}` : '';
  return `janitor pass ${pass.id} (${pass.trigger}) at ${when}: ${outcome}${freed}`;
}

function describeAction(action: JanitorActionRecord, pass: JanitorPassRecord | undefined): string {
  const when = new Date(action.at).toISOString();
  const label = typeof action.detail?.label === 'string' ? ` "${action.detail.label}"` : '';
  const verb = action.action === 'delete' ? 'deleted' : action.action === 'compact' ? 'compacted' : action.action;
  return `run ${action.target}${label} was ${verb} by janitor pass ${action.passId}${pass ? ` (${pass.trigger})` : ''} at ${when} (${formatBytes(action.bytes)}): ${action.reason}`;
}

/**
 * What the janitor did to the run a reference names (a full id or a prefix), newest first, so
 * `inspect` and `ps` can say why a run is gone or smaller. Empty when the janitor never touched it.
 */
export function explainRun(database: Database.Database, reference: string): string[] {
  const records = JanitorRecords.read(database);
  const targets = records.targetsWithPrefix('run', reference);
  const lines: string[] = [];
  for (const target of targets) {
    for (const action of records.actionsOn('run', target).reverse()) lines.push(describeAction(action, records.pass(action.passId)));
  }
  return lines;
}
