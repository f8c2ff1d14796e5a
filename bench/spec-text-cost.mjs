// What run_started's spec text costs: JSON.stringify(spec) then hashing it (which first copies
// V8's rope into one flat string) against specText (the same bytes and hash, written and hashed in
// pieces). The bench-peers shape: one parallel branch of N leaves, then a reduce over all of them.
// Both alternate in one process; the minimum of each is printed (the least disturbed run).
//
//   node bench/spec-text-cost.mjs            # N=10000
//   N=100000 REPS=5 node bench/spec-text-cost.mjs
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = process.env.WHALEFLOW_DIR ?? join(dirname(fileURLToPath(import.meta.url)), '..');
const load = (path) => import(pathToFileURL(join(root, 'dist', path)).href);
const ir = await load('ir/index.js');
const util = await load('util/index.js');
const { specText } = await load('engine/run/spec-text.js');

const N = Number(process.env.N ?? 10_000);
const REPS = Number(process.env.REPS ?? 11);
const ids = Array.from({ length: N }, (_, index) => `leaf-${index}`);
const parsed = ir.parseWorkflowSpec({
  id: 'spec-text',
  goal: `fan out ${N} leaves, fan in`,
  nodes: [
    { kind: 'branch_set', spec: { id: 'fanout', parallel: true, budget: { max_parallel: 16 }, children: ids.map((id) => ({ kind: 'leaf', spec: { id, prompt: id } })) } },
    { kind: 'reduce', spec: { id: 'fanin', inputs: ids, prompt: 'Collect the leaf outputs.' } },
  ],
});
if (!parsed.ok) throw new Error('the bench workflow does not parse');
const spec = parsed.spec;

const best = { whole: Infinity, pieces: Infinity };
for (let rep = 0; rep < REPS; rep += 1) {
  for (const way of rep % 2 === 0 ? ['whole', 'pieces'] : ['pieces', 'whole']) {
    const start = performance.now();
    if (way === 'whole') util.sha256Hex(JSON.stringify(spec));
    else specText(spec);
    best[way] = Math.min(best[way], performance.now() - start);
  }
}
const same = specText(spec).sha256 === util.sha256Hex(JSON.stringify(spec));
console.log(`N=${N}: JSON.stringify + sha256Hex ${best.whole.toFixed(1)} ms, specText ${best.pieces.toFixed(1)} ms (min of ${REPS}; same hash: ${same})`);
