// External memory (docs/memory.md): the store behind the engine's MemoryPort, its operations,
// loading, export/import, and the telemetry surfaces read from traces.
export { MemoryService, type MemoryServiceOptions } from './memory-service.js';
export { SqliteMemoryStore, type StoredContext, type StoredVersion, type ClearOutcome, type VersionOrigin } from './sqlite-memory-store.js';
export { openProjectMemory, openProjectMemoryStore, type ProjectMemory, type ProjectMemoryLocation } from './open-project-memory.js';
export { repositoryIdentity } from './repository-identity.js';
export { splitText, countLines, sha256, STORED_CHUNK_CHARS } from './context-text.js';
export { LinearPattern, type MatchedLine } from './linear-pattern.js';
export { literalAlternatives, requiredLiteral, screenLiterals } from './literal-screen.js';
export { diffLines, type LineDiff, type DiffHunk } from './line-diff.js';
export { performReadOperation, readLines, searchLines, chunkRanges, OPERATION_LIMITS } from './memory-operations.js';
export { MEMORY_COMPONENT, MEMORY_MIGRATIONS } from './memory-migrations.js';
export { exportMemory, importMemory, MemoryDocumentError, MEMORY_DOCUMENT_FORMAT, MEMORY_DOCUMENT_VERSION, type MemoryDocument } from './memory-document.js';
export { summarizeMemoryUse, formatMemoryUse, type RunMemoryTelemetry, type LeafMemoryTelemetry } from './memory-telemetry.js';
