import type { RunEvent } from '../engine/contracts/index.js';
import type { LeafRunView, NodeRunView } from './trace-store.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function scopeKey(nodeId: string, iteration: number): string {
  return `${nodeId}\u0000${iteration}`;
}

/**
 * Folds a run's events into one view per node execution (node and loop iteration), in the
 * order the nodes started. A node that started but never finished (a crash, a cancel that
 * never reported) shows as `running`.
 */
export function foldNodeRuns(events: Iterable<RunEvent>): NodeRunView[] {
  const fold = new NodeRunFold();
  for (const event of events) fold.add(event);
  return fold.views();
}

/**
 * foldNodeRuns one event at a time: for a caller that sees a run's events go by (a replay printing
 * its tree from the events it emits, instead of reading them back) rather than reading them.
 */
export class NodeRunFold {
  private readonly byScope = new Map<string, Mutable<NodeRunView>>();

  add(event: RunEvent): void {
    if (event.type === 'node_started') {
      const view = this.viewFor(event.nodeId, event.iteration);
      view.kind = event.kind;
      view.parentId = event.parentId;
      view.role = event.role ?? null;
      view.startedAt = event.at;
    } else if (event.type === 'node_finished') {
      const view = this.viewFor(event.nodeId, event.iteration);
      view.kind = event.kind;
      view.status = event.status;
      view.finishedAt = event.at;
      view.output = event.output;
      view.usage = event.usage;
      view.memoUsage = event.memoUsage;
      view.error = event.error ?? null;
      view.details = event.details ?? null;
    }
  }

  /** The views so far, in the order their nodes started. */
  views(): NodeRunView[] {
    return [...this.byScope.values()];
  }

  private viewFor(nodeId: string, iteration: number): Mutable<NodeRunView> {
    const key = scopeKey(nodeId, iteration);
    let view = this.byScope.get(key);
    if (!view) {
      view = {
        nodeId,
        kind: 'leaf',
        parentId: null,
        iteration,
        role: null,
        status: 'running',
        startedAt: null,
        finishedAt: null,
        output: null,
        usage: null,
        memoUsage: null,
        error: null,
        details: null,
      };
      this.byScope.set(key, view);
    }
    return view;
  }
}

/** The leaf node runs, each joined with the leaf effect of its scope; one pass, so a stream of events will do. */
export function foldLeafRuns(events: Iterable<RunEvent>): LeafRunView[] {
  return foldRunViews(events).leaves;
}

/** Every node run and every leaf run (joined with its leaf effect), in one pass over the events. */
export function foldRunViews(events: Iterable<RunEvent>): { readonly nodes: NodeRunView[]; readonly leaves: LeafRunView[] } {
  const effects = new Map<string, Extract<RunEvent, { type: 'effect_completed' }>>();
  function* noteEffects(): Generator<RunEvent> {
    for (const event of events) {
      if (event.type === 'effect_completed' && event.kind === 'leaf') effects.set(scopeKey(event.scope.nodeId, event.scope.iteration), event);
      yield event;
    }
  }
  const nodes = foldNodeRuns(noteEffects());
  const leaves = nodes
    .filter((view) => view.kind === 'leaf')
    .map((view) => {
      const effect = effects.get(scopeKey(view.nodeId, view.iteration));
      return {
        ...view,
        inputHash: effect?.key ?? null,
        effectSource: effect?.source ?? null,
        effectDurationMs: effect?.durationMs ?? null,
        effectKind: effect?.kind ?? null,
      };
    });
  return { nodes, leaves };
}
