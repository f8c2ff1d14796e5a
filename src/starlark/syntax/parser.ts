import type { StarlarkFile } from './ast.js';
import { scan } from './scanner.js';
import { TokenCursor } from './token-cursor.js';
import { StatementParser } from './statement-parser.js';

/** Scans and parses a whole file; throws a positioned StarlarkError (kind `syntax`) on the first error. */
export function parseFile(filename: string, source: string): StarlarkFile {
  const parser = new StatementParser(new TokenCursor(scan(filename, source)));
  return { filename, statements: parser.parseStatements() };
}
