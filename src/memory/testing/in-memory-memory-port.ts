import { join } from 'node:path';
import { DEFAULT_MEMORY_CONFIG } from '../../config/index.js';
import { MemoryService } from '../memory-service.js';
import { SqliteMemoryStore } from '../sqlite-memory-store.js';

/** A memory store in an in-memory database, rooted at `root`, for tests that run workflows with memory nodes. */
export function inMemoryMemoryPort(root: string): { readonly service: MemoryService; close(): void } {
  const store = new SqliteMemoryStore(':memory:', { repository: root });
  const service = new MemoryService({
    store,
    root,
    env: { PATH: process.env.PATH },
    maxBytes: DEFAULT_MEMORY_CONFIG.maxContextBytes,
    commandTimeoutMs: 120_000,
    stateDirectory: join(root, '.whaleflow'),
    limits: { maxSubQueries: DEFAULT_MEMORY_CONFIG.maxSubQueries, maxSubQueryChars: DEFAULT_MEMORY_CONFIG.maxSubQueryChars },
  });
  return { service, close: () => store.close() };
}
