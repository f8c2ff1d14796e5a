// A run (or resume, or replay with live parts) whose workflow needs a model route with an unset API key is refused in the
// pre-flight, naming the variable and the nodes, before anything runs or is recorded.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileWorkflowFile } from '../../authoring/index.js';
import { loadConfig } from '../../config/index.js';
import { unusableRoutes } from '../../wiring/index.js';
import { recordMockRun, REVIEW_FIXTURE, reviewSpec } from '../../runs/testing/record-mock-run.js';
import { SqliteTraceStore } from '../../trace/index.js';
import { runCliInMemory } from '../run-cli-in-memory.js';

const KEY = 'WHALEFLOW_TEST_UNSET_KEY';
const CONFIG = `providers:
  remote:
    kind: openai-compatible
    base_url: http://127.0.0.1:9/v1
    api_key_env: ${KEY}
models:
  - provider: remote
    model: remote-chat
    capabilities: { tool_calls: true, json_mode: true }
roles:
  default:
    primary: remote/remote-chat
`;

const WORKFLOW = `id: review
goal: review the change
nodes:
  - kind: branch_set
    spec:
      id: reviewers
      parallel: true
      children:
        - {kind: leaf, spec: {id: correctness, prompt: do correctness}}
        - {kind: leaf, spec: {id: tests, prompt: do tests}}
        - {kind: leaf, spec: {id: design, prompt: do design}}
  - kind: reduce
    spec: {id: verdict, inputs: [correctness, tests, design], prompt: merge}
`;

function project(): string {
  const cwd = mkdtempSync(join(tmpdir(), 'whaleflow-keys-'));
  writeFileSync(join(cwd, 'whaleflow.config.yaml'), CONFIG);
  writeFileSync(join(cwd, 'review.yaml'), WORKFLOW);
  return cwd;
}

const envWithout = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, WHALEFLOW_HOME: '' };
  delete env[KEY];
  return env;
};

describe('the pre-flight checks API keys', () => {
  it('run --provider config refuses when a route the workflow needs has no key: exit 1, the variable and the nodes named, nothing recorded', async () => {
    const cwd = project();
    const result = await runCliInMemory(['run', 'review.yaml', '--provider', 'config'], { cwd, env: envWithout() });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`remote/remote-chat: environment variable ${KEY} is not set (needed by correctness, tests, design, verdict)`);
    expect(result.stderr).toContain('not started.');
    expect(result.stdout).not.toMatch(/\[1\/3\]/);
    const store = new SqliteTraceStore(join(cwd, '.whaleflow', 'whaleflow.db'));
    expect(store.listRuns()).toEqual([]);
    store.close();
  });

  it('resume --provider config refuses in the pre-flight too, asking only for the nodes still to run', async () => {
    const cwd = project();
    mkdirSync(join(cwd, '.whaleflow'));
    const store = new SqliteTraceStore(join(cwd, '.whaleflow', 'whaleflow.db'));
    const { events } = await recordMockRun(reviewSpec(), { fixture: REVIEW_FIXTURE, runId: 'cccc3333-crashed' });
    // Crashed after two leaves finished: design and the reduce are left.
    const cut = events.findIndex((event) => event.type === 'node_finished' && event.nodeId === 'tests');
    store.appendEvents(events.slice(0, cut + 1));
    store.close();
    const result = await runCliInMemory(['resume', 'cccc3333', '--provider', 'config', '--force'], { cwd, env: envWithout() });
    expect(result.stderr).toContain(`remote/remote-chat: environment variable ${KEY} is not set (needed by design, verdict)`);
    expect(result.exitCode).toBe(1);
    const after = new SqliteTraceStore(join(cwd, '.whaleflow', 'whaleflow.db'));
    expect(after.listRuns().map((run) => run.runId)).toEqual(['cccc3333-crashed']);
    after.close();
  });

  it('replay --from --provider config refuses before recording anything, asking only for the nodes that would run live', async () => {
    const cwd = project();
    mkdirSync(join(cwd, '.whaleflow'));
    const store = new SqliteTraceStore(join(cwd, '.whaleflow', 'whaleflow.db'));
    store.appendEvents((await recordMockRun(reviewSpec(), { fixture: REVIEW_FIXTURE, runId: 'dddd4444-finished' })).events);
    store.close();
    const refused = await runCliInMemory(['replay', 'dddd4444', '--from', 'design', '--provider', 'config'], { cwd, env: envWithout() });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(`remote/remote-chat: environment variable ${KEY} is not set (needed by design, verdict)`);
    expect(refused.stderr).toContain('not started.');
    expect(refused.stdout).toBe('');
    // --allow-live alone runs live only what the trace lacks: here nothing, so no key is needed.
    const served = await runCliInMemory(['replay', 'dddd4444', '--allow-live', '--provider', 'config'], { cwd, env: envWithout() });
    expect(served.stderr).not.toContain('cannot be used');
    expect(served.stdout).toContain('parity: identical');
    expect(served.exitCode).toBe(0);
    const after = new SqliteTraceStore(join(cwd, '.whaleflow', 'whaleflow.db'));
    expect(after.listRuns().filter((run) => run.mode === 'replay')).toHaveLength(1);
    after.close();
  });

  it('with the key set, or under the offline providers, nothing is refused', async () => {
    const cwd = project();
    const offline = await runCliInMemory(['run', 'review.yaml', '--provider', 'mock-model'], { cwd, env: envWithout() });
    expect(offline.stderr).not.toContain('cannot be used');
    const { spec } = await compileWorkflowFile(join(cwd, 'review.yaml'));
    const config = loadConfig({ cwd, env: {} });
    expect(unusableRoutes(spec, config, { [KEY]: 'set' })).toEqual([]);
    expect(unusableRoutes(spec, config, {})).toEqual([{ route: 'remote/remote-chat', problem: `environment variable ${KEY} is not set`, nodeIds: ['correctness', 'tests', 'design', 'verdict'] }]);
  });
});
