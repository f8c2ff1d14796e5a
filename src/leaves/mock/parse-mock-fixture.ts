import { readFile } from 'node:fs/promises';
import jsYaml from 'js-yaml';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { InvalidInputError, type Diagnostic, type SourcePosition } from '../../util/index.js';
import { mockFixtureSchema, type MockFixture } from './mock-fixture-schema.js';
import { readCommonFixture } from './read-common-fixture.js';
import { readLeafRuleRun } from './read-leaf-rule-run.js';
import { readPlainBlockYaml } from './read-plain-block-yaml.js';

/**
 * Parses a YAML (or JSON) mock fixture; every problem is reported as file:line:col.
 *
 * A fixture for a wide fan-out can be megabytes (one rule per leaf), so a fixture is first read
 * the fast way, with no positions: JSON.parse; plain block YAML by readPlainBlockYaml (which
 * reads it as js-yaml would), a run of generated per-leaf rules in it by one regular expression
 * (readLeafRuleRun); any other YAML by js-yaml's YAML 1.2 core schema, the reader the YAML
 * workflow front-end uses. Only a fixture that fails (syntax or schema) is read again as a
 * YAML document with positions, which finds the file:line:col of each diagnostic; when the two
 * readers disagree, the positioned reader's verdict stands.
 */
export function parseMockFixture(text: string, file = '<fixture>'): MockFixture {
  return parseWithoutPositions(text) ?? parseWithPositions(text, file);
}

function parseWithoutPositions(text: string): MockFixture | undefined {
  let value: unknown;
  try {
    value = /^\s*\{/.test(text) ? JSON.parse(text) : (readLeafRuleRun(text) ?? readPlainBlockYaml(text) ?? { value: jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA }) }).value;
  } catch {
    return undefined; // a syntax error (or nesting too deep): the positioned reader says where
  }
  const common = readCommonFixture(value ?? {});
  if (common) return common;
  const parsed = mockFixtureSchema.safeParse(value ?? {});
  return parsed.success ? parsed.data : undefined;
}

function parseWithPositions(text: string, file: string): MockFixture {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  if (document.errors.length > 0) {
    throw new InvalidInputError(
      document.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return { severity: 'error', code: 'fixture-syntax', message: syntaxMessage(error.message), position: { file, line, column: col } };
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
 * Reads and parses a fixture file; a missing or unreadable file is a diagnostic like any other
 * problem. Diagnostics name the file `shownAs`: the path as the user typed it.
 */
export async function loadMockFixture(path: string, shownAs: string = path): Promise<MockFixture> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a fixture file' : code === 'EACCES' ? 'permission denied' : (code ?? String(error));
    throw new InvalidInputError([{ severity: 'error', code: 'fixture-unreadable', message: `${shownAs}: cannot read mock fixture (${reason})` }], `cannot read mock fixture ${shownAs}`);
  }
  return parseMockFixture(text, shownAs);
}

/** The parser's first line without its own "at line L, column C:" (the diagnostic's position says where, once). */
function syntaxMessage(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
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
