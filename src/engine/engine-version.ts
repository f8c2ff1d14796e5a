/** Recorded in run_started so a replay can tell which engine produced a trace. */
export const ENGINE_VERSION = '0.9.0';
