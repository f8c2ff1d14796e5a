import { parse as parseDot } from '@ts-graphviz/ast';
import { JSDOM } from 'jsdom';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileWorkflowFile, frontEndFor } from '../authoring/index.js';
import { exportGraph, type WorkflowSpec } from './index.js';

const repoRoot = resolve(import.meta.dirname, '../..');
let parseMermaid: (text: string) => Promise<unknown>;

beforeAll(async () => {
  // Mermaid's own parser sanitizes labels with DOMPurify, which needs a DOM.
  const dom = new JSDOM('');
  Object.assign(globalThis, { window: dom.window, document: dom.window.document });
  const mermaid = (await import('mermaid')).default;
  parseMermaid = (text) => mermaid.parse(text);
});

async function examples(): Promise<[string, WorkflowSpec][]> {
  const dirs = [join(repoRoot, 'workflows'), join(repoRoot, 'src/authoring/testdata/golden')];
  const files = dirs.flatMap((dir) => readdirSync(dir).map((name) => join(dir, name)));
  const workflows = files.filter((file) => frontEndFor(file) && !/\.fixtures?\.ya?ml$|\.golden\.json$/.test(file));
  return Promise.all(workflows.map(async (file) => [file, (await compileWorkflowFile(file)).spec] as [string, WorkflowSpec]));
}

describe('graph export parses with the real grammars', () => {
  it('mermaid output is accepted by mermaid.parse for every example', async () => {
    for (const [file, spec] of await examples()) {
      await expect(parseMermaid(exportGraph(spec, 'mermaid')), file).resolves.toBeTruthy();
    }
  });

  it('dot output is accepted by a Graphviz DOT parser for every example', async () => {
    for (const [file, spec] of await examples()) {
      const ast = parseDot(exportGraph(spec, 'dot'));
      expect(ast.type, file).toBe('Dot');
    }
  });

  it('escapes quotes and odd characters in ids and the goal', async () => {
    const spec = {
      id: null,
      goal: 'say "hi" \\ back',
      nodes: [{ kind: 'leaf', spec: { id: 'a "quoted" id', prompt: 'p' } }],
    };
    const { WorkflowSpecSchema } = await import('./index.js');
    const parsed = WorkflowSpecSchema.parse(spec);
    await expect(parseMermaid(exportGraph(parsed, 'mermaid'))).resolves.toBeTruthy();
    expect(parseDot(exportGraph(parsed, 'dot')).type).toBe('Dot');
  });

  it('draws containers as clusters and references as dashed edges', async () => {
    const [, spec] = (await examples()).find(([file]) => file.endsWith('review_fanout.yaml'))!;
    const dot = exportGraph(spec, 'dot');
    expect(dot).toContain('subgraph cluster_n0 {');
    expect(dot.match(/\[style=dashed\]/g)).toHaveLength(3);
    expect(exportGraph(spec, 'mermaid').match(/-\.->/g)).toHaveLength(3);
  });
});

describe('order edges', () => {
  const parallelThenSerial = async () => {
    const { WorkflowSpecSchema } = await import('./index.js');
    const leaf = (id: string) => ({ kind: 'leaf', spec: { id, prompt: id } });
    return WorkflowSpecSchema.parse({
      id: 'w',
      goal: 'g',
      nodes: [
        { kind: 'branch_set', spec: { id: 'fan', parallel: true, children: [leaf('a'), leaf('b'), leaf('c')] } },
        { kind: 'branch_set', spec: { id: 'steps', parallel: false, children: [leaf('d'), leaf('e')] } },
      ],
    });
  };

  it('children of a parallel branch get no order edges (mermaid and dot); a serial branch and the top level keep theirs', async () => {
    const spec = await parallelThenSerial();
    // Nodes are numbered in declaration order: fan n0, a n1, b n2, c n3, steps n4, d n5, e n6.
    const mermaid = exportGraph(spec, 'mermaid');
    expect(mermaid.match(/ --> /g)).toEqual([' --> ', ' --> ']);
    expect(mermaid).toContain('n5 --> n6');
    expect(mermaid).toContain('n0 --> n4');
    expect(mermaid).not.toMatch(/n[123] --> n[123]/);
    const dot = exportGraph(spec, 'dot');
    expect(dot.match(/ -> /g)).toHaveLength(2);
    expect(dot).toContain('n5 -> n6;');
    expect(dot).toContain('n0_anchor -> n4_anchor;');
    expect(dot).not.toMatch(/n[123] -> n[123]/);
  });
});
