// Authoring: a generated .star that builds a 5,000-leaf workflow (50 parallel branches of 100
// explicit agent() calls), compiled in-process through the Starlark front-end and the IR gate;
// the same workflow as a declarative .workflow.js and as a generated plan for comparison.
// (Scanner tokens/s is reported by starlark.bench.js.)
import { compilePlanText, compileWorkflowSource } from '../dist/authoring/index.js';

const BRANCHES = 50;
const LEAVES_PER_BRANCH = 100;
const LEAF_COUNT = BRANCHES * LEAVES_PER_BRANCH;
const NODE_COUNT = LEAF_COUNT + BRANCHES;
const limits = { maxAgents: 10_000 };

function generatedStar() {
  const lines = ['# generated: 5,000 leaves in 50 parallel branches', 'branches = []'];
  for (let branch = 0; branch < BRANCHES; branch += 1) {
    lines.push(`b${branch} = [`);
    for (let leaf = 0; leaf < LEAVES_PER_BRANCH; leaf += 1) {
      lines.push(`    agent(id = "leaf-${branch}-${leaf}", prompt = "Inspect module ${branch}/${leaf} for dead code", agent_type = "explore", file_scope = ["src/m${branch}/**"]),`);
    }
    lines.push(']', `branches.append(branch(id = "branch-${branch}", children = b${branch}))`);
  }
  lines.push('workflow(id = "big", goal = "Scan every module", nodes = branches)');
  return `${lines.join('\n')}\n`;
}

function generatedJs() {
  const branches = [];
  for (let branch = 0; branch < BRANCHES; branch += 1) {
    const children = [];
    for (let leaf = 0; leaf < LEAVES_PER_BRANCH; leaf += 1) {
      children.push(`{ agent: { id: 'leaf-${branch}-${leaf}', prompt: 'Inspect module ${branch}/${leaf} for dead code', agent_type: 'explore' } }`);
    }
    branches.push(`{ branch: { id: 'branch-${branch}', children: [\n${children.join(',\n')}] } }`);
  }
  return `export default workflow({ id: 'big', goal: 'Scan every module', nodes: [\n${branches.join(',\n')}] });\n`;
}

function generatedPlan() {
  const phases = [];
  for (let branch = 0; branch < BRANCHES; branch += 1) {
    const children = [];
    for (let leaf = 0; leaf < LEAVES_PER_BRANCH; leaf += 1) children.push({ id: `leaf-${branch}-${leaf}`, prompt: `Inspect module ${branch}/${leaf} for dead code`, type: 'explorer' });
    phases.push({ id: `branch-${branch}`, children });
  }
  return `Here is the plan:\n\n\`\`\`json\n${JSON.stringify({ goal: 'Scan every module', phases }, null, 1)}\n\`\`\`\n`;
}

async function medianMs(runs, action) {
  const times = [];
  for (let run = 0; run < runs; run += 1) {
    const start = performance.now();
    await action();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export async function run() {
  const star = generatedStar();
  const js = generatedJs();
  const plan = generatedPlan();
  const check = (compiled) => {
    if (compiled.spec.nodes.length !== BRANCHES) throw new Error('generated workflow compiled to the wrong shape');
  };
  check(await compileWorkflowSource('big.star', star, limits));
  check(await compileWorkflowSource('big.workflow.js', js, limits));
  check(await compilePlanText(plan, 'big.md', limits));

  const starMs = await medianMs(7, () => compileWorkflowSource('big.star', star, limits));
  const jsMs = await medianMs(5, () => compileWorkflowSource('big.workflow.js', js, limits));
  const planMs = await medianMs(5, () => compilePlanText(plan, 'big.md', limits));
  const kib = (text) => `${(text.length / 1024).toFixed(0)} KiB`;
  return [
    { bench: 'authoring', metric: 'compile generated 5,000-leaf .star (in-process)', value: starMs, unit: 'ms', target: '< 1000', note: `${kib(star)}, median of 7` },
    { bench: 'authoring', metric: '.star compile throughput', value: Math.round(NODE_COUNT / (starMs / 1000)), unit: 'nodes/s', note: `${NODE_COUNT} nodes` },
    { bench: 'authoring', metric: 'compile 5,000-leaf .workflow.js (in-process)', value: jsMs, unit: 'ms', note: kib(js) },
    { bench: 'authoring', metric: '.workflow.js compile throughput', value: Math.round(NODE_COUNT / (jsMs / 1000)), unit: 'nodes/s' },
    { bench: 'authoring', metric: 'compile 5,000-step plan answer (extract+lower+gate)', value: planMs, unit: 'ms', note: kib(plan) },
  ];
}
