import type Database from 'better-sqlite3';
import { dirname } from 'node:path';
import type { MemoryConfig } from '../config/index.js';
import type { CommandSandboxSettings } from '../leaves/index.js';
import { MemoryService } from './memory-service.js';
import { repositoryIdentity } from './repository-identity.js';
import { SqliteMemoryStore } from './sqlite-memory-store.js';

export interface ProjectMemory {
  readonly service: MemoryService;
  readonly store: SqliteMemoryStore;
  close(): void;
}

/**
 * The memory store of the project at `cwd`: tables in the project database (the trace's file),
 * names scoped to the repository `cwd` belongs to, and the service runs use, with the
 * configuration's limits. The caller closes it.
 */
export function openProjectMemory(options: ProjectMemoryLocation & { readonly env: NodeJS.ProcessEnv; readonly config: MemoryConfig; readonly sandbox?: CommandSandboxSettings }): ProjectMemory {
  const store = openProjectMemoryStore(options);
  const service = new MemoryService({
    store,
    root: options.cwd,
    env: options.env,
    maxBytes: options.config.maxContextBytes,
    commandTimeoutMs: options.config.commandTimeoutSecs * 1000,
    stateDirectory: dirname(options.databasePath),
    ...(options.sandbox ? { sandbox: options.sandbox } : {}),
    limits: { maxSubQueries: options.config.maxSubQueries, maxSubQueryChars: options.config.maxSubQueryChars },
  });
  return { service, store, close: () => store.close() };
}

/** Where the project keeps its state: the database file (the trace's) and the working directory. */
export interface ProjectMemoryLocation {
  readonly databasePath: string;
  readonly cwd: string;
}

/**
 * Just the store (for `whaleflow memory …`), over the database file or over a connection the
 * caller already opened (`database`: a reading command's, which the caller closes).
 */
export function openProjectMemoryStore(options: ProjectMemoryLocation & { readonly database?: Database.Database; readonly config?: Pick<MemoryConfig, 'keepVersions'> }): SqliteMemoryStore {
  return new SqliteMemoryStore(options.database ?? options.databasePath, {
    repository: repositoryIdentity(options.cwd),
    ...(options.config ? { keepVersions: options.config.keepVersions } : {}),
  });
}
