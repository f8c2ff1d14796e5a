import type { EffectSource, RunEvent } from '../engine/index.js';
import { escapeTerminalLine } from '../util/index.js';
import { NodeRunFold, type NodeRunView } from '../trace/index.js';

/**
 * What a run's tree (renderRunTree) is drawn from, folded one event at a time: each node run's
 * view, where each leaf's effect came from, and where each leaf was placed. Fed from a run read
 * back, or as a sink beside a replay's own, which then prints its tree without reading itself back.
 */
export class RunTreeFold {
  private readonly nodes = new NodeRunFold();
  /** The source of each leaf run's effect, by node and iteration. */
  private readonly leafSources = new Map<string, EffectSource>();
  /** The workers each leaf run was placed on, in order (a leaf whose worker was lost was placed again). */
  private readonly placements = new Map<string, string[]>();

  emit(event: RunEvent): void {
    if (event.type === 'node_started' || event.type === 'node_finished') this.nodes.add(event);
    else if (event.type === 'effect_completed' && event.kind === 'leaf') this.leafSources.set(scopeKey(event.scope.nodeId, event.scope.iteration), event.source);
    else if (event.type === 'leaf_placed') this.notePlacement(event);
  }

  views(): NodeRunView[] {
    return this.nodes.views();
  }

  /** The source of a leaf run's effect, if it had one. */
  leafSource(view: NodeRunView): EffectSource | undefined {
    return view.kind === 'leaf' ? this.leafSources.get(scopeKey(view.nodeId, view.iteration)) : undefined;
  }

  /** The workers (`host:pid`) a node run was placed on; none for one that ran in-process. */
  placementsOf(view: NodeRunView): readonly string[] | undefined {
    return this.placements.get(scopeKey(view.nodeId, view.iteration));
  }

  private notePlacement(event: Extract<RunEvent, { type: 'leaf_placed' }>): void {
    const key = scopeKey(event.nodeId, event.iteration);
    const worker = `${escapeTerminalLine(event.worker.host)}:${event.worker.pid}`;
    const seen = this.placements.get(key) ?? [];
    if (seen.at(-1) !== worker) this.placements.set(key, [...seen, worker]);
  }
}

function scopeKey(nodeId: string, iteration: number): string {
  return `${nodeId}\u0000${iteration}`;
}
