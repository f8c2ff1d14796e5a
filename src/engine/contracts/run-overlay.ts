/**
 * The overlay a run applies: lessons promoted in this repository, turned into plain data before
 * the run starts (by learning/, through the composition root; the engine knows nothing of
 * lessons). It is an input of the run, so `run_started` records it whole and a replay re-applies
 * exactly what the recording applied. The engine uses it in two places only: a leaf's advisory
 * block (handed to its runner, and part of the leaf's effect key, since it changes what is asked)
 * and the system prompt of engine model calls (judge, reducer, planner) in a role it covers.
 */
export interface RunOverlay {
  /** Content hash of the overlay's lesson set when the run started. */
  readonly snapshotId: string;
  /** The repository's HEAD when the run started, if known: a student replay of this run is stale once its lesson's files changed since. */
  readonly commit?: string;
  /** What was applied, for inspect/report and A/B telemetry. */
  readonly lessons: readonly AppliedLesson[];
  /** Distinct advisory blocks, already bounded, delimited and marked untrusted. */
  readonly blocks: readonly string[];
  /** Block index per leaf id; a leaf not listed (an expanded one) takes its role's block. */
  readonly leafBlocks: Readonly<Record<string, number>>;
  /** Block index per role: engine model calls in that role, and leaves not listed above. */
  readonly roleBlocks: Readonly<Record<string, number>>;
  /** Per-role policy the composition root applies to that role's model calls (memo reuse, route). */
  readonly rolePolicies?: Readonly<Record<string, RolePolicyPatch>>;
  /** The spec before lessons changed its structure (an added test, a dropped branch), canonical JSON; absent when none did. */
  readonly baseSpec?: string;
  /** Lessons of the snapshot this run did not apply, and why (stale, out of scope, over the cap…). */
  readonly skipped?: readonly { readonly id: string; readonly title: string; readonly reason: string }[];
}

export interface AppliedLesson {
  readonly id: string;
  readonly kind: string;
  readonly title: string;
  /** What it did to this run, in a few words ("advisory for implementer", "test leaf lesson-1a2b-test after tests"). */
  readonly effect: string;
}

/** Memo and route policy for one role, within the user's configuration (the lesson gate checked it). */
export interface RolePolicyPatch {
  /** Narrows cross-run memo reuse for the role's calls. */
  readonly crossRun?: 'never' | 'deterministic' | 'always';
  /** One of the role's configured routes. */
  readonly route?: { readonly provider: string; readonly model: string };
}

/** What the overlay gives one leaf or one engine call. */
export interface OverlayPart {
  readonly advisory?: string;
  readonly policy?: RolePolicyPatch;
  /** Stable digest of the two, mixed into effect keys; undefined when the overlay gives nothing. */
  readonly fingerprint?: string;
}
