import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchesPattern, splitChunks } from '../../starlark/testing/star-chunks.js';
import { formatDiagnostic, InvalidInputError, type Diagnostic } from '../../util/index.js';
import { compileWorkflowSource } from '../index.js';

const testdata = join(import.meta.dirname, 'testdata');

async function compileChunk(file: string, source: string): Promise<{ errors: readonly Diagnostic[]; warnings: readonly Diagnostic[] }> {
  try {
    const compiled = await compileWorkflowSource(file, source);
    return { errors: [], warnings: compiled.warnings };
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    return {
      errors: error.diagnostics.filter((diagnostic) => diagnostic.severity === 'error'),
      warnings: error.diagnostics.filter((diagnostic) => diagnostic.severity === 'warning'),
    };
  }
}

/** The diagnostic that fits the expectation: on the expected line (when given) and matching the pattern. */
function findMatch(diagnostics: readonly Diagnostic[], pattern: string, line: number | undefined): Diagnostic | undefined {
  return diagnostics.find((diagnostic) => (line === undefined || diagnostic.position?.line === line) && matchesPattern(formatDiagnostic(diagnostic), pattern));
}

for (const name of readdirSync(testdata).filter((entry) => entry.endsWith('.star'))) {
  describe(`testdata/${name}`, () => {
    const file = join('testdata', name);
    for (const chunk of splitChunks(readFileSync(join(testdata, name), 'utf8'))) {
      const expectation = chunk.expectedError ?? 'compiles cleanly';
      it(`line ${chunk.line}: ${expectation}`, async () => {
        const { errors, warnings } = await compileChunk(file, chunk.source);
        const shown = [...errors, ...warnings].map((diagnostic) => formatDiagnostic(diagnostic)).join('\n');
        for (const diagnostic of [...errors, ...warnings]) expect(diagnostic.position, `unpositioned: ${diagnostic.message}`).toBeDefined();
        const expected = chunk.expectedError;
        if (expected === undefined) {
          expect(shown).toBe('');
        } else if (expected.startsWith('warning:')) {
          expect(errors.map((diagnostic) => formatDiagnostic(diagnostic))).toEqual([]);
          expect(findMatch(warnings, expected.slice('warning:'.length).trim(), chunk.expectedLine), shown).toBeDefined();
        } else {
          expect(findMatch(errors, expected, chunk.expectedLine), shown || 'no errors').toBeDefined();
        }
      });
    }
  });
}
