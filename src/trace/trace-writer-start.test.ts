// What the trace writer's thread loads before it writes a row: every durable run waits for it
// (the first batches queue behind its start), so its modules are a cost of every run.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { staticImportClosure } from '../util/testing/static-import-closure.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const writerPath = path.join(root, 'dist', 'trace', 'trace-writer-worker.js');
const built = existsSync(writerPath);
if (!built) {
  if (process.env.CI) throw new Error(`${writerPath} is missing: run npm run build before the tests`);
  console.log(`skipping the trace writer start test: ${writerPath} is missing (npm run build)`);
}

describe.skipIf(!built)('the trace writer thread (dist/trace/trace-writer-worker.js)', () => {
  test('loads the store, util and better-sqlite3 only: not the IR, the engine or zod', () => {
    const modules = staticImportClosure(root, writerPath);
    expect(modules).toContain('dist/trace/sqlite-trace-store.js');
    expect(modules).toContain('package:better-sqlite3');
    expect(modules.filter((module) => /^dist\/(ir|engine|authoring|config|providers|leaves)\/|^package:zod$/.test(module))).toEqual([]);
  });
});
