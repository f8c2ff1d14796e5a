#!/usr/bin/env node
// Prints a synthetic CI log of about 5 MB (or --bytes N) to stdout: deterministic (a seeded
// generator, no clock), so line numbers are the same on every machine. The example
// workflows/build_log_question.star loads it as a memory context at run time; it is never committed.
//   node scripts/generate-build-log.mjs [--bytes 5000000]
const argument = process.argv.indexOf('--bytes');
const targetBytes = argument > 0 ? Number(process.argv[argument + 1]) : 5_000_000;
if (!Number.isInteger(targetBytes) || targetBytes < 100_000) {
  process.stderr.write('usage: generate-build-log.mjs [--bytes N] (N an integer ≥ 100000)\n');
  process.exit(2);
}

let state = 0x9e3779b9;
const random = () => {
  // xorshift32: the same sequence everywhere
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 0x100000000;
};
const pick = (items) => items[Math.floor(random() * items.length)];

const packages = ['engine', 'trace', 'memo', 'providers', 'leaves', 'starlark', 'authoring', 'tui', 'queue', 'learning'];
const verbs = ['compiling', 'linking', 'bundling', 'checking types of', 'resolving', 'hashing'];
const failureAt = 0.62; // the first failure sits about 62 % of the way in
const lines = [];
let bytes = 0;
let second = 0;
let failed = false;
const stamp = () => {
  second += 1;
  const h = String(Math.floor(second / 3600) % 24).padStart(2, '0');
  const m = String(Math.floor(second / 60) % 60).padStart(2, '0');
  const s = String(second % 60).padStart(2, '0');
  return `2026-03-14T${h}:${m}:${s}Z`;
};
const push = (line) => {
  lines.push(line);
  bytes += line.length + 1;
};

push(`${stamp()} INFO ci: job "test" on runner linux-x64, node 20.20.2`);
while (bytes < targetBytes) {
  const pkg = pick(packages);
  const roll = random();
  if (!failed && bytes > targetBytes * failureAt) {
    failed = true;
    push(`${stamp()} INFO vitest: running src/memo/memo-key.test.ts`);
    push(`${stamp()} FAIL src/memo/memo-key.test.ts > memo key > ignores scope labels when hashing a request`);
    push(`${stamp()} AssertionError: expected 'a3f09c1e' to be 'c41d7b22' // Object.is equality`);
    push(`${stamp()}   - Expected: "c41d7b22"`);
    push(`${stamp()}   + Received: "a3f09c1e"`);
    push(`${stamp()}  ❯ src/memo/memo-key.test.ts:48:31`);
    push(`${stamp()}  ❯ memoKey src/memo/memo-key.ts:22:18 (the scope label run:7 was hashed into the key)`);
    continue;
  }
  if (roll < 0.002) {
    push(`${stamp()} WARN ${pkg}: retrying flaky test once (passed on retry)`);
  } else if (roll < 0.05) {
    push(`${stamp()} INFO vitest: ✓ src/${pkg}/${pkg}-${Math.floor(random() * 40)}.test.ts (${1 + Math.floor(random() * 30)} tests) ${Math.floor(random() * 900)}ms`);
  } else {
    push(`${stamp()} DEBUG ${pkg}: ${pick(verbs)} module ${pkg}/m${Math.floor(random() * 500)}.ts in ${Math.floor(random() * 90)}ms (cache ${random() < 0.7 ? 'hit' : 'miss'})`);
  }
}
push(`${stamp()} FAIL ci: 1 test file failed, ${Math.floor(lines.length / 40)} passed`);
process.stdout.write(`${lines.join('\n')}\n`);
