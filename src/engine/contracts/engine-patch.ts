/**
 * Behaviour changes a recorded run may predate, in the manner of Temporal's patch markers: a
 * live run records in run_started the patches it ran with, and a replay or resume runs with
 * exactly the recorded ones, so a trace recorded before a change still replays identical while
 * new runs get the new behaviour. A patch is never removed while traces that lack it may exist.
 *
 * - `container-references`: a reference to a container (a reduce's `inputs`, a leaf's
 *   `depends_on_results` naming a branch, sequence, loop, cond or expand) reads its children's
 *   outputs in declaration order; before it, a container's own output (null).
 * - `worktree-base-diffs`: a worktree leaf starts from HEAD plus the diffs of the leaves its
 *   `depends_on_results` names (their digests are part of its input hash); before it, from HEAD.
 * - `expansion-launch-limits`: a planner's reply is held to the run's --max-agents/--max-depth
 *   in place (the whole workflow with the reply instead of the template; the branches around the
 *   expand); before it, the reply alone to the default limits.
 * - `prompt-digest-keys`: an engine model call's key (reduce, judge, planner) takes its prompt by
 *   SHA-256 instead of inside the request's JSON: a fan-in's prompt holds every input's output
 *   (2.5 MB over 10,000 leaves), and escaping it into JSON only to hash it cost more than the
 *   hash. Before it, the whole request's JSON.
 */
export const ENGINE_PATCHES = ['container-references', 'worktree-base-diffs', 'expansion-launch-limits', 'prompt-digest-keys'] as const;

export type EnginePatch = (typeof ENGINE_PATCHES)[number];

/** The patches of a recorded run_started: none when it predates patches (the field is absent). */
export function recordedPatches(started: { readonly patches?: readonly string[] }): EnginePatch[] {
  return ENGINE_PATCHES.filter((patch) => started.patches?.includes(patch));
}
