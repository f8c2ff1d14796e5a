import type { RunEventSink } from '../engine/contracts/index.js';
import { HEARTBEAT_INTERVAL_MS } from './run-liveness.js';

export interface HeartbeatOptions {
  readonly sink: RunEventSink;
  readonly runId: string;
  readonly pid?: number;
  readonly now?: () => number;
  readonly intervalMs?: number;
}

/**
 * Writes a heartbeat event (with this process's pid) now and then every ~1.5 s, so other
 * processes can tell a live run from one whose process died. The timer is unref'd: the
 * heartbeat never keeps a finished process alive. Returns the function that stops it.
 */
export function startHeartbeat(options: HeartbeatOptions): () => void {
  const pid = options.pid ?? process.pid;
  const now = options.now ?? Date.now;
  const beat = (): void => options.sink.emit({ type: 'heartbeat', runId: options.runId, at: now(), pid });
  beat();
  const timer = setInterval(beat, options.intervalMs ?? HEARTBEAT_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
