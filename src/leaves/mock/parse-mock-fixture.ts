import { readFile } from 'node:fs/promises';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { InvalidInputError, type Diagnostic, type SourcePosition } from '../../util/index.js';
import { mockFixtureSchema, type MockFixture } from './mock-fixture-schema.js';

/** Parses a YAML (or JSON) mock fixture; every problem is reported as file:line:col. */
export function parseMockFixture(text: string, file = '<fixture>'): MockFixture {
  const fast = parseJsonFixture(text);
  if (fast) return fast;
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  if (document.errors.length > 0) {
    throw new InvalidInputError(
      document.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return { severity: 'error', code: 'fixture-syntax', message: error.message.split('\n')[0] ?? error.message, position: { file, line, column: col } };
      }),
      `invalid mock fixture ${file}`,
    );
  }
  const parsed = mockFixtureSchema.safeParse(document.toJS() ?? {});
  if (parsed.success) return parsed.data;
  const diagnostics: Diagnostic[] = parsed.error.issues.map((issue) => {
    const path = issue.path.filter((segment): segment is string | number => typeof segment !== 'symbol');
    const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
    return {
      severity: 'error',
      code: 'fixture-schema',
      message: `${path.join('.') || '(root)'}: ${issue.message}`,
      position: positionOf(document, lineCounter, file, path, unknownKey),
    };
  });
  throw new InvalidInputError(diagnostics, `invalid mock fixture ${file}`);
}

/**
 * A fixture written as JSON (a generated one for a wide fan-out can be megabytes) is read with
 * JSON.parse, many times faster than a YAML document with positions; only a fixture that fails
 * takes the YAML path, which finds the positions for its diagnostics.
 */
function parseJsonFixture(text: string): MockFixture | undefined {
  if (!/^\s*\{/.test(text)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = mockFixtureSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** Reads and parses a fixture file; a missing or unreadable file is a diagnostic like any other problem. */
export async function loadMockFixture(path: string): Promise<MockFixture> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a fixture file' : code === 'EACCES' ? 'permission denied' : (code ?? String(error));
    throw new InvalidInputError([{ severity: 'error', code: 'fixture-unreadable', message: `${path}: cannot read mock fixture (${reason})` }], `cannot read mock fixture ${path}`);
  }
  return parseMockFixture(text, path);
}

function positionOf(document: Document, lineCounter: LineCounter, file: string, path: readonly (string | number)[], atKey?: string): SourcePosition {
  for (let length = path.length; length >= 0; length -= 1) {
    const node = document.getIn(path.slice(0, length), true) as Node | undefined;
    if (!node || !('range' in node) || !node.range) continue;
    let offset = node.range[0];
    if (atKey !== undefined && length === path.length && isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === atKey);
      if (pair && isScalar(pair.key) && pair.key.range) offset = pair.key.range[0];
    }
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  }
  return { file, line: 1, column: 1 };
}
