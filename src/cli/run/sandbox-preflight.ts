import { detectBubblewrap, SANDBOX_REMEDY, type BubblewrapProbe, type SandboxMode } from '../../leaves/sandbox/index.js';

export interface SandboxPreflightInput {
  /** Leaves run for real here (not the engine's mock, not on queue workers). */
  readonly realLeavesHere: boolean;
  /** Leaves run on queue workers, whose own sandbox applies. */
  readonly onWorkers: boolean;
  /** Some leaf may run a command (a test/shell leaf, run_command, a granted command). */
  readonly runsCommands: boolean;
  readonly mode: SandboxMode;
  /** Injected for tests; default: probe bwrap. */
  readonly probe?: () => BubblewrapProbe;
}

export interface SandboxPreflight {
  /** The pre-flight line, when commands may run. */
  readonly line?: string;
  /** Why the run must not start: commands, no sandbox, no --no-sandbox. */
  readonly refusal?: string;
}

/**
 * What the pre-flight says about the command sandbox, and the refusal when commands would run
 * with no sandbox the user agreed to: without bwrap, a run that has commands starts only with
 * an explicit --no-sandbox (never a silent downgrade).
 */
export function sandboxPreflight(input: SandboxPreflightInput): SandboxPreflight {
  if (input.onWorkers) return input.runsCommands ? { line: 'sandbox: each queue worker confines the commands it runs' } : {};
  if (!input.realLeavesHere || !input.runsCommands) return {};
  switch (input.mode) {
    case 'none':
      return { line: 'sandbox: NONE (--no-sandbox): commands run unconfined, with your rights, network and files' };
    case 'bubblewrap': {
      const probe = (input.probe ?? detectBubblewrap)();
      if (!probe.available) return { refusal: `whaleflow: this workflow runs commands, and leaf commands run in a bubblewrap sandbox, but ${probe.reason}: ${SANDBOX_REMEDY}\nnot started.\n` };
      return { line: "sandbox: bubblewrap (read-only root, workspace writable only when granted, private /tmp, no network unless granted, WhaleFlow's state hidden)" };
    }
  }
}
