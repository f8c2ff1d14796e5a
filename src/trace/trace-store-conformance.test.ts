import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryTraceStore } from './in-memory-trace-store.js';
import { SecretRedactor } from './redact-secrets.js';
import { SqliteTraceStore } from './sqlite-trace-store.js';
import { describeTraceStoreConformance } from './testing/index.js';

describeTraceStoreConformance('in-memory', (env) => new InMemoryTraceStore({ redactor: new SecretRedactor(env) }));

describeTraceStoreConformance('sqlite', (env) => {
  const directory = mkdtempSync(join(tmpdir(), 'whaleflow-trace-'));
  return new SqliteTraceStore(join(directory, 'whaleflow.db'), { redactor: new SecretRedactor(env) });
});
