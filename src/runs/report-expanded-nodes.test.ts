// The report's graph draws what an expand added when it ran (from the trace), not only its template.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInMemory } from '../cli/run-cli-in-memory.js';

const WORKFLOW = JSON.stringify({
  id: 'wf',
  goal: 'split the work',
  nodes: [
    { kind: 'expand', spec: { id: 'split', source: 'split the work', max_children: 3, template: { kind: 'leaf', spec: { id: 'template-item', prompt: 'do' } } } },
    { kind: 'leaf', spec: { id: 'after', prompt: 'sum up' } },
  ],
});

const PLAN = JSON.stringify([
  { kind: 'leaf', spec: { id: 'first-piece', prompt: 'a' } },
  { kind: 'leaf', spec: { id: 'second-piece', prompt: 'b', depends_on_results: ['first-piece'] } },
]);

describe('the report draws expanded nodes', () => {
  it('html (inline SVG) and markdown (Mermaid) show the nodes the planner added, coloured by outcome, with their references, in place of the template', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'whaleflow-report-expand-'));
    writeFileSync(join(cwd, 'expand.json'), WORKFLOW);
    writeFileSync(join(cwd, 'planner.yaml'), `expand:\n  - match: {node: split}\n    replies: [${JSON.stringify(PLAN)}]\n`);
    expect((await runCliInMemory(['run', 'expand.json', '--fixtures', 'planner.yaml'], { cwd, env: {} })).exitCode).toBe(0);

    expect((await runCliInMemory(['report', 'last', '--format', 'html', '-o', 'report.html'], { cwd, env: {} })).exitCode).toBe(0);
    const svg = readFileSync(join(cwd, 'report.html'), 'utf8');
    const nodeTitles = [...svg.matchAll(/<g id="node\d+" class="node">\s*<title>([^<]*)<\/title>[\s\S]*?<\/g>/g)].map((match) => match[0]);
    // Graphviz writes '-' as '&#45;' in SVG text.
    const drawn = (id: string): string | undefined => nodeTitles.find((node) => node.includes(`>${id.replaceAll('-', '&#45;')} (leaf)<`));
    expect(drawn('first-piece')).toContain('succeeded');
    expect(drawn('second-piece')).toContain('succeeded');
    expect(drawn('template-item')).toBeUndefined();
    // One order edge (they ran in order) and one dashed reference between the two expanded leaves.
    expect(svg.match(/<title>n1&#45;&gt;n2<\/title>/g)).toHaveLength(2);

    expect((await runCliInMemory(['report', 'last', '--format', 'md', '-o', 'report.md'], { cwd, env: {} })).exitCode).toBe(0);
    const markdown = readFileSync(join(cwd, 'report.md'), 'utf8');
    expect(markdown).toContain('subgraph n0 ["split (expand)"]\n    n1["first-piece (leaf)"]\n    n2["second-piece (leaf)"]\n    n1 --> n2\n  end');
    expect(markdown).toContain('n1 -.-> n2');
    expect(markdown).not.toContain('template-item');
  });
});
