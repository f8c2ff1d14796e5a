import { describe, expect, it } from 'vitest';
import { compileWorkflowSource } from '../compile-workflow.js';
import { InvalidInputError, type Diagnostic } from '../../util/index.js';
import { parseJsonWithoutPositions } from './parse-json-without-positions.js';

async function diagnosticsOf(text: string): Promise<readonly Diagnostic[]> {
  try {
    await compileWorkflowSource('w.json', text);
  } catch (error) {
    if (error instanceof InvalidInputError) return error.diagnostics;
    throw error;
  }
  return expect.unreachable('the workflow compiled');
}

const leaf = (id: string, extra = ''): string => `{"kind": "leaf", "spec": {"id": "${id}", "prompt": "p"${extra}}}`;

describe('JSON front-end: JSON.parse first, positions when asked', () => {
  it('takes what the strict reader would take, and nothing else', () => {
    expect(parseJsonWithoutPositions('{"a": "x \\" \\\\", "b": [1, {"c": "}{]["}], "d": {}}')).toEqual({ value: { a: 'x " \\', b: [1, { c: '}{][' }], d: {} } });
    expect(parseJsonWithoutPositions('{"a": 1, "b": {"k": "x\\\\", "k": 2}}')).toBeUndefined(); // a key repeated deep inside
    expect(parseJsonWithoutPositions('{"a": 1,}')).toBeUndefined();
    expect(parseJsonWithoutPositions(`${'['.repeat(600)}${']'.repeat(600)}`)).toBeUndefined();
    const own = parseJsonWithoutPositions('{"__proto__": {"polluted": true}}')!.value as Record<string, unknown>;
    expect(Object.hasOwn(own, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a repeated key anywhere is still reported at the repeat', async () => {
    const text = `{"goal": "g \\"quoted\\": x",\n "nodes": [\n  {"kind": "leaf", "spec": {"id": "a", "prompt": "p", "id": "b"}}]}`;
    expect(await diagnosticsOf(text)).toMatchObject([{ code: 'json-syntax', message: 'duplicate key "id"', position: { file: 'w.json', line: 3, column: 55 } }]);
  });

  it('a validation error in a document read by JSON.parse gets its file:line:col', async () => {
    const text = `{"goal": "g", "nodes": [\n  ${leaf('a')},\n  ${leaf('a')}]}`;
    const [first] = await diagnosticsOf(text);
    expect(first).toMatchObject({ position: { file: 'w.json', line: 3 } });
  });

  it('"declares" reads the document: only what the file wrote narrows permissions', async () => {
    const branch = (children: string) => `{"goal": "g", "nodes": [{"kind": "branch_set", "spec": {"id": "b", "permissions": {"allow_network": false}, "children": [${children}]}}]}`;
    // The child inherits the ceiling without declaring anything: fine.
    await expect(compileWorkflowSource('w.json', branch(leaf('quiet')))).resolves.toBeDefined();
    // The child writes allow_network true under a branch that declared it false: refused, at the child's field.
    const widened = await diagnosticsOf(branch(leaf('loud', ', "permissions": {"allow_network": true}')));
    expect(widened).toMatchObject([{ code: 'permission-widening', nodeId: 'loud', position: { file: 'w.json', line: 1 } }]);
  });
});
