import type { NodeSpec } from '../schema/node-spec.js';
import { childListsOf, type NodeLocation } from '../walk-nodes.js';

/** One step from a container into one of its child lists. `container` is undefined at the root. */
export interface ContainmentStep {
  readonly container: NodeSpec | undefined;
  readonly field: NodeLocation['listField'];
  readonly index: number;
}

const ROOT_PREFIX: readonly ContainmentStep[] = Object.freeze([]);

/**
 * Each node's chain of containment steps from the root (the last step is the node itself),
 * built on demand: only nodes that take part in a reference need one, so a 100,000-leaf spec
 * with a handful of references builds a handful of chains, not one array per node. Container
 * chains are memoised, since every reference inside a container starts with its chain; a
 * node's chain is that shared prefix and its own step, so a reference to a leaf reads its
 * chain without copying it (`stepAt`).
 */
export class ContainmentChains {
  /** Locations of the nodes that hold children: the only ones a chain climbs through. */
  private readonly containers = new Map<NodeSpec, NodeLocation>();
  private readonly containerChains = new Map<NodeSpec, readonly ContainmentStep[]>();
  private lastAncestors: readonly NodeSpec[] | undefined;
  private lastPrefix: readonly ContainmentStep[] = ROOT_PREFIX;

  constructor(locations: readonly NodeLocation[]) {
    for (const location of locations) {
      if (location.node.kind !== 'leaf' && childListsOf(location.node).length > 0 && !this.containers.has(location.node)) this.containers.set(location.node, location);
    }
  }

  of(location: NodeLocation): readonly ContainmentStep[] {
    return [...this.prefixOf(location), ownStep(location)];
  }

  /**
   * The chain of the container that holds `location` (empty at the root): its own chain without
   * its last step. The walk gives all children of one container the same ancestors array, so the
   * last answer is kept by that array: a fan-in asks this of thousands of siblings in a row.
   */
  prefixOf(location: NodeLocation): readonly ContainmentStep[] {
    const ancestors = location.ancestors;
    if (ancestors === this.lastAncestors) return this.lastPrefix;
    const parent = ancestors.length > 0 ? ancestors[ancestors.length - 1] : undefined;
    const parentLocation = parent && this.containers.get(parent);
    const prefix = parentLocation ? this.ofContainer(parentLocation) : ROOT_PREFIX;
    this.lastAncestors = ancestors;
    this.lastPrefix = prefix;
    return prefix;
  }

  private ofContainer(location: NodeLocation): readonly ContainmentStep[] {
    let chain = this.containerChains.get(location.node);
    if (!chain) {
      chain = this.of(location);
      this.containerChains.set(location.node, chain);
    }
    return chain;
  }
}

/** The last step of a node's chain: into its own place in its container. */
export function ownStep(location: NodeLocation): ContainmentStep {
  return { container: location.ancestors.at(-1), field: location.listField, index: location.index };
}
