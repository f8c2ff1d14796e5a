import { describe, expect, it } from 'vitest';
import {
  AGENT_TYPES, AgentTypeSchema, ISOLATIONS, IsolationSchema, LEAF_MODES, LeafModeSchema, PARETO_METRICS, ParetoMetricSchema, TOURNAMENT_ORDERINGS, TOURNAMENT_SELECTIONS,
  TournamentOrderingSchema, TournamentSelectionSchema, WORKFLOW_FIELDS, WorkflowSpecSchema,
} from '../index.js';

// The schemas are built on first use (util/lazy-schema.ts); code that runs as a module loads
// (the Starlark builtins' parameters, the workflow's key check) reads these lists instead.
describe('the lists the IR declares beside its lazily built schemas', () => {
  it('equal what the schemas accept, in the same order', () => {
    expect(Object.keys(WorkflowSpecSchema.shape)).toEqual([...WORKFLOW_FIELDS]);
    expect(AgentTypeSchema.options).toEqual([...AGENT_TYPES]);
    expect(LeafModeSchema.options).toEqual([...LEAF_MODES]);
    expect(IsolationSchema.options).toEqual([...ISOLATIONS]);
    expect(TournamentSelectionSchema.options).toEqual([...TOURNAMENT_SELECTIONS]);
    expect(TournamentOrderingSchema.options).toEqual([...TOURNAMENT_ORDERINGS]);
    expect(ParetoMetricSchema.options).toEqual([...PARETO_METRICS]);
  });
});
