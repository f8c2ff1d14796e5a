import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { formatDiagnostic } from '../util/index.js';
import { execFile, parseFile, printAst, scan, StarlarkError } from './index.js';

const goldenDirectory = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata', 'golden');

/** Compares with a .golden file; `UPDATE_GOLDEN=1 npx vitest run golden` rewrites it. */
function expectGolden(name: string, actual: string): void {
  const file = path.join(goldenDirectory, name);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

function source(name: string): string {
  return readFileSync(path.join(goldenDirectory, name), 'utf8');
}

describe('starlark syntax goldens', () => {
  test('tokens of sample.star', () => {
    const tokens = scan('sample.star', source('sample.star'));
    const lines = tokens.map((token) => {
      const where = `${token.position.line}:${token.position.column}`;
      const value = token.value === undefined || token.kind === 'IDENT' ? '' : ` ${formatTokenValue(token.value)}`;
      return `${where} ${token.kind}${token.kind === 'IDENT' ? ` ${token.text}` : ''}${value}`;
    });
    expectGolden('sample.tokens.golden', `${lines.join('\n')}\n`);
  });

  test('AST of sample.star', () => {
    expectGolden('sample.ast.golden', `${printAst(parseFile('sample.star', source('sample.star')))}\n`);
  });

  test('all resolver diagnostics of resolve-errors.star', () => {
    let diagnostics = '';
    try {
      execFile({ filename: 'resolve-errors.star', source: source('resolve-errors.star') });
    } catch (error) {
      if (!(error instanceof StarlarkError)) throw error;
      expect(error.kind).toBe('resolve');
      diagnostics = error.diagnostics.map((diagnostic) => formatDiagnostic(diagnostic)).join('\n');
    }
    expectGolden('resolve-errors.diagnostics.golden', `${diagnostics}\n`);
  });
});

function formatTokenValue(value: string | number | bigint | Uint8Array): string {
  if (value instanceof Uint8Array) return `b[${[...value].join(',')}]`;
  if (typeof value === 'bigint') return `${value}n`;
  return JSON.stringify(value);
}
