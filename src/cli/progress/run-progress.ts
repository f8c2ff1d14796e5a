import type { RunEvent, RunEventSink } from '../../engine/contracts/index.js';
import { formatElapsed, formatOverviewCost, formatTokenCount, RunOverviewFold } from '../../runs/index.js';
import { escapeTerminalLine } from '../../util/index.js';
import { renderProgressBlock } from './render-progress-block.js';

export interface ProgressOutput {
  readonly write: (text: string) => void;
  /** Redraw a block in place (TTY) or print plain lines (pipe, CI log). */
  readonly isTty: boolean;
  readonly columns?: number;
}

export interface RunProgressOptions {
  readonly now?: () => number;
  /** How often the TTY block redraws; ≤ 10 frames a second. */
  readonly redrawIntervalMs?: number;
}

const ERASE_LINE_UP = '\x1b[1A\x1b[2K';

/**
 * Foreground progress for `whaleflow run`: a RunEventSink (fan the run's events out to it)
 * that keeps the same RunOverview fold ps and the TUI use. On a TTY it redraws a compact
 * block in place; otherwise it prints one plain line per finished leaf and at the end.
 * With --json the run command simply does not create one.
 */
export class RunProgress implements RunEventSink {
  private readonly fold: RunOverviewFold;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private drawnLines = 0;
  private dirty = false;
  private stopped = false;
  /** The plain summary line, printed by stop(): only once the run's record is known to be complete. */
  private finalLine: string | undefined;

  constructor(
    runId: string,
    private readonly output: ProgressOutput,
    private readonly options: RunProgressOptions = {},
  ) {
    this.fold = new RunOverviewFold(runId);
    this.now = options.now ?? Date.now;
  }

  emit(event: RunEvent): void {
    this.fold.apply(event);
    this.dirty = true;
    if (!this.output.isTty) this.printPlain(event);
  }

  /** Starts the in-place redraw loop (TTY only); the timer never keeps the process alive. */
  start(): void {
    if (!this.output.isTty || this.timer) return;
    this.timer = setInterval(() => this.redraw(), this.options.redrawIntervalMs ?? 100);
    this.timer.unref();
  }

  /**
   * Draws the final state once (on a pipe: the summary line) and stops redrawing. Idempotent:
   * a second call (a finally after the summary was printed) must not redraw over the lines
   * printed since. The run command calls it after the trace has taken every event.
   */
  stop(): void {
    if (this.stopped) return;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.output.isTty) {
      this.dirty = true;
      this.redraw();
    } else if (this.finalLine !== undefined) {
      this.output.write(this.finalLine);
    }
    this.stopped = true;
  }

  /** Stops without a final frame or summary: the run's outcome was not recorded, so it is not reported. */
  abandon(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.stopped = true;
  }

  redraw(): void {
    if (!this.dirty || !this.fold.hasStarted || this.stopped) return;
    this.dirty = false;
    const now = this.now();
    const overview = this.fold.overview({ now, isPidAlive: () => true });
    const running = this.fold.runningLeaves();
    const lines = renderProgressBlock(overview, running, now, this.output.columns ?? 100);
    this.output.write(`${ERASE_LINE_UP.repeat(this.drawnLines)}${lines.join('\n')}\n`);
    this.drawnLines = lines.length;
  }

  private printPlain(event: RunEvent): void {
    if (event.type === 'node_finished' && event.kind === 'leaf') {
      const node = this.fold.node(event.nodeId);
      const elapsed = node?.startedAt != null ? ` ${formatElapsed(event.at - node.startedAt)}` : '';
      // The counts alone: a whole overview (slowest leaf…) walks every node, once per leaf here.
      const counts = this.fold.leafCounts();
      const error = event.error ? ` — ${escapeTerminalLine(event.error)}` : '';
      // Iterations count from 0 in events; people count loop rounds from 1.
      const iteration = node && node.iteration > 0 ? ` (iteration ${node.iteration + 1})` : '';
      this.output.write(`[${counts.done}/${counts.total}] ${escapeTerminalLine(event.nodeId)}${iteration} ${event.status}${elapsed}${error}\n`);
    } else if (event.type === 'run_finished') {
      const overview = this.fold.overview({ now: event.at, isPidAlive: () => true });
      this.finalLine = `run ${event.status}: ${overview.leavesDone}/${overview.leavesTotal} leaves, ${formatElapsed(overview.elapsedMs)}, ${formatTokenCount(overview.tokens.total)} tok, ${formatOverviewCost(overview.costMicrousd)}, memo hits ${overview.memoHits}\n`;
    }
  }
}
