import { afterEach, describe, expect, it, vi } from 'vitest';
import { executeWorkflow, systemEnvironment } from '../engine/index.js';
import { PreparedResultJson } from '../engine/run/prepared-result-json.js';
import { parseWorkflowSpec, type WorkflowSpecInput } from '../ir/index.js';
import { MockLeafRunner, MockModelGateway, parseMockFixture } from '../leaves/mock/index.js';
import { TraceSink } from '../trace/index.js';
import { readRecordedRun } from './recorded-run.js';
import { replayRun } from './replay-run.js';
import { freshStore } from './testing/hand-built-specs.js';

// Runs whose fan-outs' results JSON was prepared while they waited on their leaves (the engine's
// PreparedResultJson), with results that lost a tournament, failed, or were cancelled part way:
// a replay must find the very same digest.

const WIDE = 260;
const leaves = (prefix: string) => Array.from({ length: WIDE }, (_, index) => ({ kind: 'leaf', spec: { id: `${prefix}${index}`, prompt: `do ${prefix}${index}` } }));

function wideSpec() {
  const candidates = leaves('c');
  const parsed = parseWorkflowSpec({
    id: 'wide',
    goal: 'g',
    nodes: [
      { kind: 'branch_set', spec: { id: 'race', parallel: true, children: [{ kind: 'branch_set', spec: { id: 'field', parallel: true, children: candidates, budget: { max_parallel: 8 } } }, { kind: 'tournament', spec: { id: 't', candidates: candidates.map((one) => one.spec.id) } }] } },
      { kind: 'branch_set', spec: { id: 'fan', parallel: true, children: leaves('f'), budget: { max_parallel: 8 } } },
    ],
  } as WorkflowSpecInput);
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  return parsed.spec;
}

const FIXTURE = 'defaults: {latency_ms: 4}\nleaves:\n  - match: {prompt: "do f1[0-9]*$"}\n    exit_code: 1\n';

afterEach(() => vi.restoreAllMocks());

describe('replay of runs whose results digest took prepared batches', () => {
  for (const stopped of [false, true]) {
    it(stopped ? 'a run stopped part way replays with the same digest' : 'a run with losers and failures replays with the same digest', async () => {
      const jsonOf = vi.spyOn(PreparedResultJson.prototype, 'jsonOf');
      const store = freshStore();
      const environment = systemEnvironment();
      const fixture = parseMockFixture(FIXTURE);
      const abort = new AbortController();
      const sink = new TraceSink(store);
      const leafRunner = new MockLeafRunner(environment, fixture);
      // Stopped once the fan-out has started its 200th leaf: past its first prepared batch, before its end.
      const run = leafRunner.run.bind(leafRunner);
      if (stopped) leafRunner.run = (input, context) => (input.leaf.id === 'f200' && setTimeout(() => abort.abort(), 0), run(input, context));
      const live = await executeWorkflow({ spec: wideSpec(), runId: 'original', sink, leafRunner, gateway: new MockModelGateway(environment, fixture), environment, signal: abort.signal, validation: { maxAgents: 10 * WIDE } });
      sink.close();
      expect(live.status).toBe(stopped ? 'cancelled' : 'failed');
      expect(jsonOf.mock.results.some((result) => result.value !== undefined)).toBe(true);
      const replaySink = new TraceSink(store);
      const outcome = await replayRun({ recorded: readRecordedRun(store, 'original'), runId: 'replayed', sink: replaySink, trustedSpec: true });
      replaySink.close();
      expect(outcome.parity).toEqual({ identical: true });
      expect({ ...outcome.result, run_id: 'original' }).toEqual(live);
      store.close();
    }, 60_000);
  }
});
