// External memory (docs/memory.md): search and peek latency on a 100 MB context, against
// baselines measured in the same run over the same stored chunks (the read alone, V8's RegExp and
// RE2 on every line), and the prompt tokens the example workflow's leaf avoids (an estimate).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const { SqliteMemoryStore, splitText, readLines, searchLines, LinearPattern } = await import(join(root, 'dist/memory/index.js'));
const { linesOf } = await import(join(root, 'dist/memory/context-text.js'));
const { RE2JS } = await import('re2js');
const { starterConfigText } = await import(join(root, 'dist/config/index.js'));

// WHALEFLOW_MEMORY_BENCH_BYTES shrinks the context for a quick check; the reported figures use 100 MB.
const CONTEXT_BYTES = Number(process.env.WHALEFLOW_MEMORY_BENCH_BYTES ?? 100 * 1024 * 1024);
const REPEATS = 5;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(action, repeats = REPEATS) {
  const samples = [];
  let result;
  for (let index = 0; index < repeats; index += 1) {
    const start = performance.now();
    result = action();
    samples.push(performance.now() - start);
  }
  return { ms: median(samples), result };
}

export async function run() {
  const directory = mkdtempSync(join(tmpdir(), 'whaleflow-memory-bench-'));
  try {
    const store = new SqliteMemoryStore(join(directory, 'bench.db'), { repository: directory });
    const { context, loadMs } = storeGeneratedLog(store);
    const megabytes = Math.round(CONTEXT_BYTES / 2 ** 20);
    // Every search below reads the same chunks from the store and counts every matching line, so
    // they do the same work and must agree. The baselines, in the same run: the read alone (the
    // floor), V8's own RegExp on every line (fast, but a model's pattern could backtrack for
    // hours), and RE2 (re2js) on every line, which is what a search cost before the literal screen.
    const scan = (test) => () => {
      let matches = 0;
      for (const chunk of store.chunks(context.hash)) for (const line of linesOf(chunk.text)) if (test(line)) matches += 1;
      return matches;
    };
    const readAll = time(() => {
      let chars = 0;
      for (const chunk of store.chunks(context.hash)) chars += chunk.text.length;
      return chars;
    });
    const chunks = [...store.chunks(context.hash)].map((chunk) => chunk.text);
    const rows = [{ bench: 'memory', metric: `read every chunk of a ${megabytes} MB context (the floor of a search)`, value: readAll.ms, unit: 'ms' }];
    for (const [label, source] of [
      ['literal alternatives', 'FAIL|AssertionError'],
      ['regex with a required literal', '^\\S+ FAIL src/'],
      ['regex with a required group of literals', '\\d{2}:\\d{2}Z (WARN|ERROR) '],
      ['regex without a literal (RE2 on every line)', '^\\S+ [A-Z]{4} [a-z]+: re[a-z]+ing module'],
    ]) {
      const v8 = new RegExp(source);
      const re2 = RE2JS.compile(source);
      const jsRegExp = time(scan((line) => v8.test(line)));
      const re2EveryLine = time(scan((line) => re2.matcher(line).find()), 3);
      const search = time(() => {
        let matches = 0;
        for (const _ of searchLines(store, context.hash, new LinearPattern(source, false))) matches += 1;
        return matches;
      });
      if (jsRegExp.result !== search.result || re2EveryLine.result !== search.result) throw new Error(`${label}: the searches disagree (${jsRegExp.result}, ${re2EveryLine.result}, ${search.result} lines)`);
      const ratio = (ms) => `×${(search.ms / ms).toFixed(2)}`;
      rows.push({
        bench: 'memory',
        metric: `search ${megabytes} MB: ${label}`,
        value: search.ms,
        unit: 'ms',
        note: `${search.result} lines; ${ratio(readAll.ms)} the read alone; ${ratio(jsRegExp.ms)} JS RegExp per line (${jsRegExp.ms.toFixed(0)} ms); ${ratio(re2EveryLine.ms)} RE2 per line (${re2EveryLine.ms.toFixed(0)} ms)`,
      });
      // The engines alone, on the same chunks held in memory (no SQLite): what the screen saves.
      const inMemory = (test) => () => {
        let matches = 0;
        for (const chunk of chunks) for (const line of linesOf(chunk)) if (test(line)) matches += 1;
        return matches;
      };
      const engineJs = time(inMemory((line) => v8.test(line)));
      const engineRe2 = time(inMemory((line) => re2.matcher(line).find()), 3);
      const engineScreen = time(() => {
        const pattern = new LinearPattern(source, false);
        let matches = 0;
        for (const chunk of chunks) for (const _ of pattern.matchingLines(chunk)) matches += 1;
        return matches;
      });
      rows.push({
        bench: 'memory',
        metric: `  engine only (chunks in memory): ${label}`,
        value: engineScreen.ms,
        unit: 'ms',
        note: `×${(engineScreen.ms / engineJs.ms).toFixed(2)} JS RegExp per line (${engineJs.ms.toFixed(0)} ms); RE2 per line ${engineRe2.ms.toFixed(0)} ms (×${(engineRe2.ms / engineJs.ms).toFixed(1)} JS)`,
      });
    }
    const middle = Math.floor(context.lines / 2);
    const peek = time(() => readLines(store, context, middle, middle + 399));
    rows.push({ bench: 'memory', metric: `peek 400 lines mid-context (${megabytes} MB)`, value: peek.ms, unit: 'ms' });
    rows.push({ bench: 'memory', metric: `store a ${megabytes} MB context (split + hash + insert)`, value: loadMs, unit: 'ms' });
    rows.push(...exampleTokens());
    store.close();
    return rows;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Generates the log, stores it, and lets go of the text (the searches read it from the store). */
function storeGeneratedLog(store) {
  const log = execFileSync(process.execPath, [join(root, 'scripts/generate-build-log.mjs'), '--bytes', String(CONTEXT_BYTES)], { maxBuffer: CONTEXT_BYTES * 2, encoding: 'utf8' });
  const loadStart = performance.now();
  const text = splitText(log);
  store.saveVersion({ name: 'big', text, origin: 'import' });
  const loadMs = performance.now() - loadStart;
  return { context: { name: 'big', hash: text.hash, bytes: text.bytes, lines: text.lines }, loadMs };
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
