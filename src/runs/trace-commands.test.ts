import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInMemory } from '../cli/index.js';
import { digestEvents, SqliteTraceStore, type TraceExportDocument } from '../trace/index.js';
import { HAND_BUILT, recordLiveRun } from './testing/hand-built-specs.js';

/** A project directory with one recorded live run of the fan-out workflow. */
async function projectWithRun(options: { bigOutput?: boolean } = {}): Promise<{ cwd: string; db: string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'whaleflow-cli-'));
  const db = join(cwd, '.whaleflow', 'whaleflow.db');
  const store = new SqliteTraceStore(db);
  await recordLiveRun(store, HAND_BUILT['parallel fan-out and reduce']!, 'run-0001-fan', options.bigOutput ? { outputOf: (id) => `${id}: ${'long line\n'.repeat(2000)}` } : {});
  store.close();
  return { cwd, db };
}

const cli = (cwd: string, ...argv: string[]) => runCliInMemory(argv, { cwd, env: {} });

describe('whaleflow inspect / report / export / blob', () => {
  it('inspects a run by unique prefix and by "last" as a tree', async () => {
    const { cwd } = await projectWithRun();
    const byPrefix = await cli(cwd, 'inspect', 'run-0001');
    expect(byPrefix.exitCode).toBe(0);
    expect(byPrefix.stdout).toContain('run run-0001-fan');
    expect(byPrefix.stdout).toMatch(/✓ fan \(branch_set\)/);
    expect(byPrefix.stdout).toMatch(/\n {2}✓ a \(leaf\).*→ "done a/);
    expect(byPrefix.stdout).toContain('leaves 3 (3 succeeded)');
    expect((await cli(cwd, 'inspect', 'last')).stdout).toBe(byPrefix.stdout);
  });

  it('shows one node, truncated with the blob hash, whole with --full, and the blob by hash', async () => {
    const { cwd } = await projectWithRun({ bigOutput: true });
    const node = await cli(cwd, 'inspect', 'last', 'a');
    expect(node.exitCode).toBe(0);
    expect(node.stdout).toContain('input hash ');
    const hint = /add --full; or whaleflow blob ([0-9a-f]{64})/.exec(node.stdout);
    expect(hint).not.toBeNull();
    const full = await cli(cwd, 'inspect', 'last', 'a', '--full');
    expect(full.stdout.length).toBeGreaterThan(20_000);
    const blob = await cli(cwd, 'blob', hint![1]!);
    expect(blob.stdout).toBe(`a: ${'long line\n'.repeat(2000)}`);
  });

  it('reports in md, json and html', async () => {
    const { cwd } = await projectWithRun();
    const md = await cli(cwd, 'report', 'last');
    expect(md.stdout).toContain('```mermaid\nflowchart TD');
    expect(md.stdout).toMatch(/\| a \| succeeded \|/);
    const json = JSON.parse((await cli(cwd, 'report', 'last', '--format', 'json')).stdout);
    expect(json.totals.leaves).toBe(3);
    expect(json.totals.leavesByStatus).toEqual({ succeeded: 3 });
    const html = await cli(cwd, 'report', 'last', '--format', 'html', '-o', 'run.html');
    expect(html.stdout).toContain('run.html');
    expect(readFileSync(join(cwd, 'run.html'), 'utf8')).toMatch(/<figure class="graph"><svg [\s\S]*<section class="leaf status-succeeded" data-leaf="a">/);
    expect(json.leaves[0]).toMatchObject({ nodeId: 'a', outputExcerpt: expect.stringContaining('done a'), error: null });
  });

  it('says clearly when a run or blob does not exist (exit 1, no stack trace)', async () => {
    const { cwd } = await projectWithRun();
    const missing = await cli(cwd, 'inspect', 'nope');
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toBe('whaleflow: no run matches "nope" (see the run ids with `whaleflow ps` or use `last`)\n');
    const blob = await cli(cwd, 'blob', 'f'.repeat(64));
    expect(blob.exitCode).toBe(1);
    expect(blob.stderr).toContain('no blob ffff');
    const empty = mkdtempSync(join(tmpdir(), 'whaleflow-empty-'));
    const noDatabase = await cli(empty, 'inspect', 'last');
    expect(noDatabase.exitCode).toBe(1);
    expect(noDatabase.stderr).toContain('no trace database at');
  });

  it('refuses an ambiguous prefix', async () => {
    const { cwd, db } = await projectWithRun();
    const store = new SqliteTraceStore(db);
    await recordLiveRun(store, HAND_BUILT['sequence with dependencies']!, 'run-0002-seq');
    store.close();
    const result = await cli(cwd, 'inspect', 'run-000');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('"run-000" matches 2 runs');
  });
});

describe('whaleflow export and replay --trace', () => {
  async function exported(): Promise<{ cwd: string; file: string; document: TraceExportDocument }> {
    const { cwd } = await projectWithRun();
    const result = await cli(cwd, 'export', 'last', '-o', 'run.json');
    expect(result.exitCode).toBe(0);
    const file = join(cwd, 'run.json');
    return { cwd, file, document: JSON.parse(readFileSync(file, 'utf8')) as TraceExportDocument };
  }

  it('exports a versioned document with spec, events, leaves and usage', async () => {
    const { document } = await exported();
    expect(document).toMatchObject({ format: 'whaleflow-trace-export', version: 1, redacted: true, run: { runId: 'run-0001-fan' } });
    expect((document.spec as { id: string }).id).toBe('fan');
    expect(document.leaves.map((leaf) => leaf.nodeId)).toEqual(['a', 'b', 'c']);
    expect(document.leaves.every((leaf) => /^[0-9a-f]{64}$/.test(leaf.inputHash ?? ''))).toBe(true);
  });

  it('replays an export file in another project with parity', async () => {
    const { file } = await exported();
    const elsewhere = mkdtempSync(join(tmpdir(), 'whaleflow-elsewhere-'));
    const result = await cli(elsewhere, 'replay', '--trace', file);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('parity: identical');
    expect(result.stdout).toContain('served 4 effects from the trace, ran 0 live');
    expect(result.exitCode).toBe(0);
    // The replay is recorded in the new project as a run of mode replay.
    const runs = await cli(elsewhere, 'inspect', 'last');
    expect(runs.stdout).toContain('(replay of run-0001-fan)');
  });

  it('detects an export file edited after export', async () => {
    const { cwd, file, document } = await exported();
    const edited = structuredClone(document) as unknown as { events: { event: { type: string; result?: { output: string } } }[] };
    const completed = edited.events.find((entry) => entry.event.type === 'effect_completed')!;
    completed.event.result!.output = 'forged';
    writeFileSync(file, JSON.stringify(edited));
    const result = await cli(cwd, 'replay', '--trace', 'run.json');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/run\.json: events were modified after export \(digest [0-9a-f]{64} ≠ recorded [0-9a-f]{64}\)/);
  });

  /** A forger who also recomputes the digest: the replay itself must notice. */
  function forge(document: TraceExportDocument, edit: (events: TraceExportDocument['events']) => TraceExportDocument['events']): TraceExportDocument {
    const events = edit(structuredClone(document.events));
    return { ...document, events, eventsDigest: digestEvents(events) };
  }

  it('detects an altered output: parity diverges at that leaf', async () => {
    const { cwd, file, document } = await exported();
    const forged = forge(document, (events) =>
      events.map((entry) =>
        entry.event.type === 'effect_completed' && entry.event.scope.nodeId === 'b'
          ? { ...entry, event: { ...entry.event, result: { ...entry.event.result, output: 'forged' } } }
          : entry,
      ),
    );
    writeFileSync(file, JSON.stringify(forged));
    const result = await cli(cwd, 'replay', '--trace', 'run.json');
    expect(result.exitCode).toBe(1);
    // The reduce's key depends on b's output, so the replay asks for an effect the trace lacks.
    expect(result.stdout).toMatch(/parity: diverged at (fan\/b|merge)/);
  });

  it('detects a missing record with the node and key', async () => {
    const { cwd, file, document } = await exported();
    const forged = forge(document, (events) => events.filter((entry) => !('scope' in entry.event && entry.event.scope.nodeId === 'c')));
    writeFileSync(file, JSON.stringify(forged));
    const result = await cli(cwd, 'replay', '--trace', 'run.json');
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/determinism violation at node "c" \(iteration 0\), leaf effect #0: the replay asked for key [0-9a-f]{64}, which the trace does not have/);
    expect(result.stdout).toContain('parity: diverged at c');
  });

  it('detects reordered records: events out of sequence, or keys swapped between leaves', async () => {
    const { cwd, file, document } = await exported();
    const outOfOrder = forge(document, (events) => {
      const copy = [...events];
      [copy[3], copy[4]] = [copy[4]!, copy[3]!];
      return copy;
    });
    writeFileSync(file, JSON.stringify(outOfOrder));
    const reordered = await cli(cwd, 'replay', '--trace', 'run.json');
    expect(reordered.exitCode).toBe(1);
    expect(reordered.stderr).toMatch(/events out of order: seq \d+ follows seq \d+/);

    const keyOf = (id: string) => document.leaves.find((leaf) => leaf.nodeId === id)!.inputHash!;
    const swapped = forge(document, (events) =>
      events.map((entry) => {
        const event = entry.event;
        if ((event.type === 'effect_requested' || event.type === 'effect_completed') && (event.scope.nodeId === 'a' || event.scope.nodeId === 'b')) {
          return { ...entry, event: { ...event, scope: { ...event.scope, nodeId: event.scope.nodeId === 'a' ? 'b' : 'a' } } };
        }
        return entry;
      }),
    );
    writeFileSync(file, JSON.stringify(swapped));
    const result = await cli(cwd, 'replay', '--trace', 'run.json');
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(`the trace recorded leaf key ${keyOf('b')}, the replay asked for leaf key ${keyOf('a')}`);
  });
});

describe('whaleflow run → inspect → replay → resume', () => {
  it('records a CLI run that replays with parity; resuming it is refused, since it succeeded', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'whaleflow-run-'));
    writeFileSync(
      join(cwd, 'wf.json'),
      JSON.stringify({ id: 'cli', goal: 'record me', nodes: [{ kind: 'branch_set', spec: { id: 'fan', parallel: true, children: [{ kind: 'leaf', spec: { id: 'a', prompt: 'do a' } }, { kind: 'leaf', spec: { id: 'b', prompt: 'do b', depends_on_results: ['a'] } }] } }] }),
    );
    const run = await runCliInMemory(['run', 'wf.json', '--json'], { cwd, env: {} });
    expect(run.exitCode).toBe(0);
    const runId = (JSON.parse(run.stdout) as { run_id: string }).run_id;
    const inspect = await cli(cwd, 'inspect', runId.slice(0, 8));
    expect(inspect.stdout).toContain(`run ${runId}`);
    expect(inspect.stdout).toMatch(/✓ b \(leaf\)/);
    const replay = await cli(cwd, 'replay', 'last', '--json');
    expect(replay.exitCode).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ parity: { identical: true }, ranLive: 0, liveCalls: { leafRuns: 0, gatewayCalls: 0 } });
    const resume = await cli(cwd, 'resume', runId, '--json');
    expect(resume.exitCode).toBe(1);
    expect(resume.stderr).toContain(`run ${runId} succeeded; there is nothing to resume`);
    const fromA = await cli(cwd, 'replay', runId, '--from', 'a', '--json');
    expect(JSON.parse(fromA.stdout)).toMatchObject({ liveNodes: ['a', 'b'], ranLive: 2, servedFromTrace: 0, parity: { identical: true } });
  });
});
