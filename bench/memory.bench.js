// External memory (docs/memory.md): search and peek latency on a 100 MB context, against a plain
// JS scan of the same text in the same run (the baseline), and the prompt tokens the example
// workflow's leaf avoids (an estimate, 4 bytes a token).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performOperation } from './memory-bench-support.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const { SqliteMemoryStore, splitText, readLines } = await import(join(root, 'dist/memory/index.js'));
const { starterConfigText } = await import(join(root, 'dist/config/index.js'));

// WHALEFLOW_MEMORY_BENCH_BYTES shrinks the context for a quick check; the reported figures use 100 MB.
const CONTEXT_BYTES = Number(process.env.WHALEFLOW_MEMORY_BENCH_BYTES ?? 100 * 1024 * 1024);
const REPEATS = 5;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(action) {
  const samples = [];
  let result;
  for (let index = 0; index < REPEATS; index += 1) {
    const start = performance.now();
    result = action();
    samples.push(performance.now() - start);
  }
  return { ms: median(samples), result };
}

export async function run() {
  const directory = mkdtempSync(join(tmpdir(), 'whaleflow-memory-bench-'));
  try {
    const log = execFileSync(process.execPath, [join(root, 'scripts/generate-build-log.mjs'), '--bytes', String(CONTEXT_BYTES)], { maxBuffer: CONTEXT_BYTES * 2, encoding: 'utf8' });
    const store = new SqliteMemoryStore(join(directory, 'bench.db'), { repository: directory });
    const loadStart = performance.now();
    const text = splitText(log);
    store.saveVersion({ name: 'big', text, origin: 'import' });
    const loadMs = performance.now() - loadStart;
    const context = { name: 'big', hash: text.hash, bytes: text.bytes, lines: text.lines };
    const lines = log.split('\n');

    // Baseline: V8's own RegExp over lines already in memory (no store, no linear-time guarantee).
    const baseline = (source) => time(() => {
      const pattern = new RegExp(source);
      let matches = 0;
      for (const line of lines) if (pattern.test(line)) matches += 1;
      return matches;
    });
    const memorySearch = (source) => time(() => performOperation(store, { op: 'search', context, pattern: source, max_results: 500 }, new AbortController().signal));
    const rows = [];
    for (const [label, source] of [
      ['literal alternatives', 'FAIL|AssertionError'],
      ['regex with a required literal', '^\\S+ FAIL src/'],
      ['regex without a literal (RE2 on every line)', '^\\S+ [A-Z]{4} [a-z]+: re[a-z]+ing module'],
    ]) {
      const base = baseline(source);
      const mem = memorySearch(source);
      rows.push({ bench: 'memory', metric: `search ${Math.round(CONTEXT_BYTES / 2 ** 20)} MB: ${label}`, value: mem.ms, unit: 'ms', note: `JS RegExp scan ${base.ms.toFixed(0)} ms (×${(mem.ms / base.ms).toFixed(1)})` });
    }
    const middle = Math.floor(text.lines / 2);
    const peek = time(() => readLines(store, context, middle, middle + 399));
    const slice = time(() => lines.slice(middle - 1, middle + 399).length);
    rows.push({ bench: 'memory', metric: `peek 400 lines mid-context (${Math.round(CONTEXT_BYTES / 2 ** 20)} MB)`, value: peek.ms, unit: 'ms', note: `array slice ${slice.ms.toFixed(3)} ms` });
    rows.push({ bench: 'memory', metric: `store a ${Math.round(CONTEXT_BYTES / 2 ** 20)} MB context (split + hash + insert)`, value: loadMs, unit: 'ms' });
    rows.push(...exampleTokens());
    store.close();
    return rows;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Prompt tokens avoided by the example's leaf, as its recorded result reports them. */
function exampleTokens() {
  const repository = mkdtempSync(join(tmpdir(), 'whaleflow-memory-example-'));
  try {
    const git = (...args) => execFileSync('git', args, { cwd: repository, stdio: 'ignore' });
    git('init', '-q');
    execFileSync('cp', ['-r', join(root, 'workflows'), join(root, 'scripts'), repository]);
    writeFileSync(join(repository, 'whaleflow.config.yaml'), starterConfigText.replace(/^memory:\n {2}enabled: false/m, 'memory:\n  enabled: true'));
    const out = execFileSync(process.execPath, [join(root, 'bin/whaleflow.js'), 'run', 'workflows/build_log_question.star', '--provider', 'mock-model', '--fixtures', 'workflows/build_log_question.fixtures.yaml', '--json'], { cwd: repository, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const leaf = JSON.parse(out).results.find((result) => result.id === 'first_failure');
    const memory = leaf.details.data.memory;
    return [
      { bench: 'memory', metric: 'example: prompt tokens avoided (estimate)', value: memory.tokens_avoided_estimate, unit: 'tokens', note: `inlining ${memory.inline_tokens_estimate} vs memory results ${memory.memory_result_tokens_estimate}; leaf input ${leaf.usage.input_tokens} tokens` },
    ];
  } finally {
    rmSync(repository, { recursive: true, force: true });
  }
}
