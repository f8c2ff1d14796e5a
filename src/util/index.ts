export { assertNever } from './assert-never.js';
export { sha256Hex } from './sha256.js';
export { formatPosition, type SourcePosition } from './position.js';
export { formatDiagnostic, hasErrors, type Diagnostic, type DiagnosticSeverity } from './diagnostic.js';
export { WhaleflowError, InvalidInputError, UsageError } from './whaleflow-error.js';
export { migrateComponentSchema, type ComponentMigration } from './component-schema.js';
export { compileGlob, matchesGlob, globCovers, hasWildcard, type GlobMatcher } from './glob.js';
export { ProjectDatabaseError, projectDatabaseError, type DatabaseProblem } from './project-database-error.js';
