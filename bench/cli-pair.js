// Paired runs of `whaleflow run` with two builds (not a *.bench.js: `npm run bench` does not run
// it): the cli bench's 10,000-leaf case — bench-peers' workflow, one fixture rule per leaf, L=0,
// K=16 — as whole processes (spawn to exit), alternating A B B A … so a drift of the machine's
// load falls on both sides alike. Each run reports the CLI process's CPU time (user + sys, every
// thread: wait4 through /usr/bin/time), wall time, peak RSS and the phases of `timing`. On a
// loaded machine CPU time follows the code more than wall time does; compare medians and the
// median of the per-pair ratios.
//
//   node bench/cli-pair.js <build A> <build B> [--pairs 10] [--n 10000] [--latency 0] [--concurrency 16]
import { buildsFromArguments, median, numberOption, runAlternating } from './alternating-builds.js';

const CHILD = `
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
const [build, bench, n, latency, concurrency] = process.argv.slice(2);
const { workflowDocument, fixtureYaml } = await import(new URL('cli.bench.js', 'file://' + bench + '/').href);
writeFileSync('bench.workflow.json', JSON.stringify(workflowDocument(Number(n), Number(concurrency))));
writeFileSync('bench.fixtures.yaml', fixtureYaml(Number(n), Number(latency), Number(latency) === 0));
const args = ['run', 'bench.workflow.json', '--provider', 'mock', '--fixtures', 'bench.fixtures.yaml', '--json', '--max-concurrency', concurrency, '--max-agents', String(Number(n) + 10)];
const start = performance.now();
const run = spawnSync('/usr/bin/time', ['-f', '%M %U %S', '-o', 'time.txt', process.execPath, build + '/bin/whaleflow.js', ...args], { env: { ...process.env, WHALEFLOW_HOME: process.cwd() + '/home' }, encoding: 'utf8', maxBuffer: 1 << 30 });
const wallMs = performance.now() - start;
const result = JSON.parse(run.stdout);
if (run.status !== 0 || result.status !== 'succeeded') throw new Error('run failed: ' + run.stderr.slice(-500));
const [rssKb, user, sys] = readFileSync('time.txt', 'utf8').trim().split('\\n').pop().split(' ').map(Number);
console.log(JSON.stringify({ cpuMs: (user + sys) * 1000, wallMs, rssMb: rssKb / 1024, timing: result.timing ?? {} }));
`;

const [buildA, buildB] = buildsFromArguments('usage: node bench/cli-pair.js <build A> <build B> [--pairs 10] [--n 10000] [--latency 0] [--concurrency 16]');
const benchFolder = new URL('.', import.meta.url).pathname;
const runs = runAlternating({
  child: CHILD,
  pairs: numberOption('--pairs', 10),
  folderPrefix: 'whaleflow-cli-pair-',
  argumentsOf: (side) => [side === 'A' ? buildA : buildB, benchFolder, String(numberOption('--n', 10_000)), String(numberOption('--latency', 0)), String(numberOption('--concurrency', 16))],
  onRun: (side, run) => console.log(`${side}: CPU ${Math.round(run.cpuMs)} ms, wall ${Math.round(run.wallMs)} ms, peak ${Math.round(run.rssMb)} MB; ${Object.entries(run.timing).map(([phase, ms]) => `${phase.replace(/_ms$/, '')} ${Math.round(ms)}`).join(', ')}`),
});
const of = (side, pick) => median(runs[side].map(pick));
for (const side of ['A', 'B']) {
  const phases = Object.keys(runs[side][0].timing).map((phase) => `${phase.replace(/_ms$/, '')} ${Math.round(of(side, (run) => run.timing[phase]))}`).join(', ');
  console.log(`median ${side} (${side === 'A' ? buildA : buildB}): CPU ${Math.round(of(side, (run) => run.cpuMs))} ms, wall ${Math.round(of(side, (run) => run.wallMs))} ms, peak ${Math.round(of(side, (run) => run.rssMb))} MB; ${phases}`);
}
const ratios = (pick) => median(runs.B.map((run, index) => pick(run) / pick(runs.A[index])));
console.log(`B / A, median of per-pair ratios: CPU ${ratios((run) => run.cpuMs).toFixed(3)}×, wall ${ratios((run) => run.wallMs).toFixed(3)}×, peak RSS ${ratios((run) => run.rssMb).toFixed(3)}×`);
