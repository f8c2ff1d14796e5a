// whaleflow check on a 10,000-node YAML workflow: in-process compile time and the whole
// command (process start included), plus compile of the same as JSON.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { compileWorkflowSource } from '../dist/authoring/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function bigWorkflow(leafCount) {
  const branches = [];
  for (let branch = 0; branch < leafCount / 100; branch += 1) {
    const children = [];
    for (let leaf = 0; leaf < 100; leaf += 1) {
      const id = `leaf-${branch}-${leaf}`;
      children.push({ kind: 'leaf', spec: { id, prompt: `Inspect module ${branch}/${leaf} for dead code`, agent_type: 'explore' } });
    }
    branches.push({ kind: 'branch_set', spec: { id: `branch-${branch}`, parallel: true, children } });
  }
  return { id: 'big', goal: 'Scan every module', nodes: branches };
}

/**
 * The shape of ../shared/bench-peers' workload: one parallel branch_set of N leaves and a reduce
 * over all N leaf ids (N references for the gate to check).
 */
function fanOutFanIn(leafCount) {
  const children = [];
  const ids = [];
  for (let index = 0; index < leafCount; index += 1) {
    ids.push(`leaf-${index}`);
    children.push({ kind: 'leaf', spec: { id: `leaf-${index}`, prompt: `leaf-${index}` } });
  }
  return {
    id: 'fan-out-fan-in',
    goal: `fan out ${leafCount} leaves, fan in`,
    nodes: [
      { kind: 'branch_set', spec: { id: 'fanout', parallel: true, budget: { max_parallel: 16 }, children } },
      { kind: 'reduce', spec: { id: 'fanin', inputs: ids, prompt: 'Collect the leaf outputs.' } },
    ],
  };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timeIt(runs, action) {
  const times = [];
  for (let run = 0; run < runs; run += 1) {
    const start = performance.now();
    await action();
    times.push(performance.now() - start);
  }
  return median(times);
}

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'whaleflow-bench-ir-'));
  const document = bigWorkflow(10_000);
  const yamlText = stringify(document);
  const jsonText = JSON.stringify(document);
  const yamlFile = join(dir, 'big.yaml');
  writeFileSync(yamlFile, yamlText);
  const nodeCount = 10_000 + 100;
  const limits = { maxAgents: 20_000 };

  const fanText = JSON.stringify(fanOutFanIn(10_000));
  await compileWorkflowSource('fan.json', fanText, limits); // warm, as the floor is
  const fanMs = await timeIt(7, () => compileWorkflowSource('fan.json', fanText, limits));
  const yamlMs = await timeIt(5, () => compileWorkflowSource('big.yaml', yamlText, limits));
  const jsonMs = await timeIt(5, () => compileWorkflowSource('big.json', jsonText, limits));
  const cliMs = await timeIt(3, () =>
    execFileSync(process.execPath, [join(root, 'bin/whaleflow.js'), 'check', yamlFile, '--max-agents', '20000', '--quiet']),
  );
  return [
    { bench: 'ir', metric: 'compile 10k-node YAML (in-process)', value: yamlMs, unit: 'ms', target: '< 1000', note: `${(yamlText.length / 1e6).toFixed(1)} MB` },
    { bench: 'ir', metric: 'compile 10k-node JSON (in-process)', value: jsonMs, unit: 'ms', note: `${(jsonText.length / 1e6).toFixed(1)} MB` },
    {
      bench: 'ir',
      metric: 'compile 10k-leaf fan-out + 10k-input reduce, JSON (in-process, warm)',
      value: fanMs,
      unit: 'ms',
      floor: 'memory-10k',
      ms: fanMs,
      note: 'the bench-peers workflow: JSON.parse, the IR reader and the whole validation gate',
    },
    { bench: 'ir', metric: 'whaleflow check 10k-node YAML (whole command)', value: cliMs, unit: 'ms', target: '< 1000' },
    { bench: 'ir', metric: 'YAML compile throughput', value: nodeCount / (yamlMs / 1000), unit: 'nodes/s' },
  ];
}
