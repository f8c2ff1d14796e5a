// Starlark interpreter benchmarks: scanner throughput and evaluation of a workflow-sized program.
// Imports the compiled interpreter (npm run build first; `npm run bench` does). Then issue #15's
// workload, bench/workflow-5000.star, through `whaleflow starlark` as a user runs it, beside the
// reference implementation (starlark-go, bash bench/build-reference-starlark.sh) in the same run.
// The start of `whaleflow starlark` on an empty file is measured by start.bench.js.
import { join } from 'node:path';
import { execFile, scan } from '../dist/starlark/index.js';
import { coldEvaluation, pairedRuns, referenceInterpreter, root, timingNote } from './starlark-side-by-side.js';

/** A large, varied source file: functions, comprehensions, dicts, strings and numbers. */
function generateSource(functionCount) {
  const parts = [];
  for (let index = 0; index < functionCount; index++) {
    parts.push(
      `def step_${index}(name, retries = ${index % 5}, *args, **kwargs):`,
      `    """Step ${index}: builds a description."""`,
      `    items = [i * ${index} + 0x${index.toString(16)} for i in range(retries) if i % 2 == 0]`,
      `    label = "%s-%d" % (name, ${index}) + 'suffix' + r"raw\\n"`,
      `    return {"id": label, "items": items, "weight": ${index}.5e-3, "args": args, "extra": kwargs}`,
      '',
    );
  }
  return parts.join('\n');
}

/** Builds 5,000 dicts via a comprehension calling a function, the shape of a big workflow. */
const workflowProgram = `
def make_node(index, kind):
    deps = ["node_%d" % (index - 1)] if index > 0 else []
    return {
        "id": "node_%d" % index,
        "kind": kind,
        "deps": deps,
        "spec": {"prompt": "step " + str(index), "retries": index % 3, "tags": [kind, "generated"]},
    }

KINDS = ["agent", "search", "test", "shell"]
nodes = [make_node(i, KINDS[i % len(KINDS)]) for i in range(5000)]
by_kind = {kind: len([n for n in nodes if n["kind"] == kind]) for kind in KINDS}
`;

function best(runs, action) {
  let fastest = Infinity;
  for (let run = 0; run < runs; run++) {
    const start = process.hrtime.bigint();
    action();
    fastest = Math.min(fastest, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return fastest;
}

export async function run() {
  const source = generateSource(4000);
  let tokenCount = 0;
  const scanMs = best(5, () => {
    tokenCount = scan('bench.star', source).length;
  });
  const evalMs = best(7, () => execFile({ filename: 'workflow.star', source: workflowProgram }));
  const parseAndResolveMs = best(5, () => execFile({ filename: 'bench.star', source }));
  return [
    ...sideBySide(),
    { bench: 'starlark', metric: 'scanner throughput', value: Math.round(tokenCount / (scanMs / 1000)), unit: 'tokens/s', target: '>= 1000000', note: `${tokenCount} tokens, ${(source.length / 1024).toFixed(0)} KiB` },
    { bench: 'starlark', metric: 'parse+resolve+compile+define 4000 functions', value: parseAndResolveMs, unit: 'ms' },
    { bench: 'starlark', metric: 'eval 5,000-dict list via comprehension + calls', value: evalMs, unit: 'ms', target: '< 1000', note: 'best of 7' },
  ];
}

/** The published starlark-go time for workflow-5000.star on these machines (issue #15). */
const PUBLISHED_REFERENCE_SECONDS = 0.1;

function sideBySide() {
  const whaleflow = (file) => ({ command: process.execPath, args: [join(root, 'bin/whaleflow.js'), 'starlark', file] });
  const program = join(root, 'bench/workflow-5000.star');
  const rows = [];
  const reference = referenceInterpreter();
  const mib = (value) => (value === undefined ? undefined : Math.round(value * 10) / 10);
  if (reference) {
    const runs = pairedRuns(whaleflow(program), { command: reference, args: [program] }, 5);
    const same = runs.a.stdout === runs.b.stdout ? 'same output' : 'OUTPUT DIFFERS from starlark-go';
    rows.push(
      { bench: 'starlark', metric: 'workflow-5000.star: whaleflow starlark, wall', value: runs.a.wall, unit: 's', note: `${timingNote}; ${runs.pairs} pairs` },
      { bench: 'starlark', metric: 'workflow-5000.star: starlark-go, wall', value: runs.b.wall, unit: 's', note: `same run; ${same}` },
      { bench: 'starlark', metric: 'workflow-5000.star: whaleflow / starlark-go, wall', value: runs.wallRatio, unit: 'x', target: '<= 2', note: 'median of paired ratios' },
      { bench: 'starlark', metric: 'workflow-5000.star: whaleflow / starlark-go, cpu', value: runs.cpuRatio, unit: 'x', target: '<= 2', note: 'user+system' },
      { bench: 'starlark', metric: 'workflow-5000.star: whaleflow starlark, peak RSS', value: mib(runs.a.peakMiB), unit: 'MiB', target: '<= 70', note: `starlark-go ${mib(runs.b.peakMiB)} MiB` },
    );
  } else {
    const runs = pairedRuns(whaleflow(program), { command: process.execPath, args: ['-e', '0'] }, 5);
    rows.push(
      { bench: 'starlark', metric: 'workflow-5000.star: whaleflow starlark, wall', value: runs.a.wall, unit: 's', note: `${timingNote}; starlark-go not built (bash bench/build-reference-starlark.sh)` },
      { bench: 'starlark', metric: 'workflow-5000.star: whaleflow / published starlark-go', value: runs.a.wall / PUBLISHED_REFERENCE_SECONDS, unit: 'x', target: '<= 2', note: `vs ${PUBLISHED_REFERENCE_SECONDS} s published in issue #15, not this run` },
      { bench: 'starlark', metric: 'workflow-5000.star: whaleflow starlark, peak RSS', value: mib(runs.a.peakMiB), unit: 'MiB', target: '<= 70' },
    );
  }
  const cold = coldEvaluation(program, 5);
  rows.push(
    { bench: 'starlark', metric: 'workflow-5000.star: execFile in a fresh process, cpu of all threads', value: cold.allThreadsMs, unit: 'ms', note: 'median of 5' },
    { bench: 'starlark', metric: 'workflow-5000.star: execFile in a fresh process, cpu of the main thread', value: cold.mainThreadMs, unit: 'ms', note: 'the rest is V8 compiling and collecting in the background (Linux /proc)' },
  );
  return rows;
}
