import { z } from 'zod';
import type { RunEvent } from '../engine/contracts/index.js';
import { sha256Hex } from '../util/index.js';
import { foldLeafRuns } from './fold-node-runs.js';
import type { SecretRedactor } from './redact-secrets.js';
import { CorruptTraceError, RunNotFoundError } from './trace-errors.js';
import type { RunSummary, StoredEvent, TraceStore } from './trace-store.js';

export const TRACE_EXPORT_FORMAT = 'whaleflow-trace-export';
export const TRACE_EXPORT_VERSION = 1;

/** A leaf as exported: what the teacher and another machine's replay need at a glance. */
export interface ExportedLeaf {
  readonly nodeId: string;
  readonly iteration: number;
  readonly inputHash: string | null;
  readonly status: string;
  readonly output: string | null;
  readonly usage: unknown;
  readonly memoUsage: unknown;
  readonly source: string | null;
}

/**
 * One run as a self-contained, versioned JSON document. `events` is the whole log (what
 * replay reads); `leaves`, `decisions` and `usage` are conveniences derived from it.
 * `eventsDigest` is the SHA-256 of the JSON of `events`, so an edit is detected on import.
 */
export interface TraceExportDocument {
  readonly format: typeof TRACE_EXPORT_FORMAT;
  readonly version: typeof TRACE_EXPORT_VERSION;
  readonly exportedAt: string;
  readonly redacted: boolean;
  readonly run: RunSummary;
  readonly spec: unknown;
  readonly events: readonly StoredEvent[];
  readonly eventsDigest: string;
  readonly leaves: readonly ExportedLeaf[];
  readonly decisions: readonly Extract<RunEvent, { type: 'decision' }>[];
  readonly usage: unknown;
}

export interface ExportOptions {
  /** Applies this redactor once more on export (on by default in the CLI); null to skip. */
  readonly redactor: SecretRedactor | null;
  readonly now?: () => Date;
}

export function digestEvents(events: readonly StoredEvent[]): string {
  return sha256Hex(JSON.stringify(events));
}

/** Builds the export document of a stored run. */
export function exportRun(store: TraceStore, runId: string, options: ExportOptions): TraceExportDocument {
  const run = store.getRun(runId);
  if (!run) throw new RunNotFoundError(runId);
  const stored = store.events(runId);
  const events = options.redactor ? stored.map((entry) => ({ seq: entry.seq, event: options.redactor!.redact(entry.event) })) : stored;
  const plain = events.map((entry) => entry.event);
  const started = plain.find((event): event is Extract<RunEvent, { type: 'run_started' }> => event.type === 'run_started');
  return {
    format: TRACE_EXPORT_FORMAT,
    version: TRACE_EXPORT_VERSION,
    exportedAt: (options.now?.() ?? new Date()).toISOString(),
    redacted: options.redactor !== null,
    run,
    spec: started ? (JSON.parse(started.spec) as unknown) : null,
    events,
    eventsDigest: digestEvents(events),
    leaves: foldLeafRuns(plain).map((leaf) => ({
      nodeId: leaf.nodeId,
      iteration: leaf.iteration,
      inputHash: leaf.inputHash,
      status: leaf.status,
      output: leaf.output,
      usage: leaf.usage,
      memoUsage: leaf.memoUsage,
      source: leaf.effectSource,
    })),
    decisions: plain.filter((event): event is Extract<RunEvent, { type: 'decision' }> => event.type === 'decision'),
    usage: run.usage,
  };
}

const ExportShape = z.object({
  format: z.literal(TRACE_EXPORT_FORMAT),
  version: z.number().int(),
  run: z.object({ runId: z.string() }).passthrough(),
  events: z.array(z.object({ seq: z.number().int().nonnegative(), event: z.object({ type: z.string(), runId: z.string() }).passthrough() })),
  eventsDigest: z.string(),
});

/**
 * Reads an export document and checks it: format and version, the digest, and that events
 * are in increasing sequence order and all belong to the exported run.
 */
export function parseTraceExport(text: string, fileName = 'export'): TraceExportDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new CorruptTraceError(`${fileName}: not JSON (${(error as Error).message})`);
  }
  const shape = ExportShape.safeParse(raw);
  if (!shape.success) {
    const issue = shape.error.issues[0]!;
    throw new CorruptTraceError(`${fileName}: not a WhaleFlow trace export (${issue.path.join('.') || 'document'}: ${issue.message})`);
  }
  if (shape.data.version > TRACE_EXPORT_VERSION) {
    throw new CorruptTraceError(`${fileName}: export version ${shape.data.version} is newer than this WhaleFlow reads (${TRACE_EXPORT_VERSION})`);
  }
  const document = raw as TraceExportDocument;
  const actualDigest = digestEvents(document.events);
  if (actualDigest !== document.eventsDigest) {
    throw new CorruptTraceError(`${fileName}: events were modified after export (digest ${actualDigest} ≠ recorded ${document.eventsDigest})`);
  }
  checkEventOrder(document, fileName);
  return document;
}

function checkEventOrder(document: TraceExportDocument, fileName: string): void {
  let previous = -1;
  for (const { seq, event } of document.events) {
    if (seq <= previous) throw new CorruptTraceError(`${fileName}: events out of order: seq ${seq} follows seq ${previous}`);
    if (event.runId !== document.run.runId) {
      throw new CorruptTraceError(`${fileName}: event seq ${seq} belongs to run ${event.runId}, not the exported run ${document.run.runId}`);
    }
    previous = seq;
  }
}
