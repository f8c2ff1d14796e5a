// Agent tool-loop overhead per step: the scripted mock model (no latency) asks for one
// read_file per step until the step budget stops the loop, so the time measured is the loop
// itself — request building, tool dispatch, path confinement, the file read, accounting —
// not a model. Run without the memo (every step a provider call) and with it (the same leaf
// again: every step answered by the memo).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RealLeafRunner } from '../dist/leaves/index.js';
import { LeafSpecSchema } from '../dist/ir/index.js';
import { MockModelClient } from '../dist/providers/index.js';
import { InMemoryMemoStore, MemoizingModelClient } from '../dist/memo/index.js';

const steps = 200;
const route = { route: { provider: 'mock', model: 'mock-default' }, prices: { inputCacheMiss: 0, inputCacheHit: 0, output: 0 } };
const permissions = { allowWrite: false, allowNetwork: false, allowedTools: [], fileScope: [], allowedCommands: [], isolation: 'shared' };

function input(runId) {
  const leaf = LeafSpecSchema.parse({ id: 'bench', prompt: 'Read the file again and again' });
  return { workflow: { id: 'wf', goal: 'bench' }, leaf, resolvedInputs: {}, inputHash: 'h', role: 'general', permissions, budget: { steps }, runId };
}

function context() {
  return { signal: new AbortController().signal, activity: () => {}, spend: () => {} };
}

async function timeLeaf(runner, runId) {
  const started = process.hrtime.bigint();
  const result = await runner.run(input(runId), context());
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.data?.steps !== steps) throw new Error(`expected ${steps} steps, got ${result.data?.steps}`);
  return elapsedMs / steps;
}

export async function run() {
  const root = mkdtempSync(join(tmpdir(), 'wf-leaves-bench-'));
  try {
    writeFileSync(join(root, 'a.ts'), 'export const line = 1;\n'.repeat(200));
    const script = { rules: [{ match: { tools: true }, tool_calls: [{ name: 'read_file', arguments: { path: 'a.ts', start_line: 1, end_line: 50 } }] }] };
    const plain = new RealLeafRunner({ cwd: root, env: {}, modelClient: new MockModelClient({ script }), routeFor: () => route, defaultMaxSteps: steps });
    const memo = new MemoizingModelClient(new MockModelClient({ script }), { store: new InMemoryMemoStore() });
    const memoized = new RealLeafRunner({ cwd: root, env: {}, modelClient: memo, routeFor: () => route, defaultMaxSteps: steps });
    await timeLeaf(plain, 'warm-up');
    const perStep = await timeLeaf(plain, 'r1');
    await timeLeaf(memoized, 'fill');
    const perStepHit = await timeLeaf(memoized, 'r2');
    return [
      { bench: 'leaves', metric: 'agent loop per step (mock miss)', value: perStep, unit: 'ms', target: '<= 5', note: `${steps} steps, growing transcript` },
      { bench: 'leaves', metric: 'agent loop per step (memo hit)', value: perStepHit, unit: 'ms', note: 'same leaf again, every step from the memo' },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
