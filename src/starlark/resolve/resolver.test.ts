import { describe, expect, test } from 'vitest';
import type { Identifier, Node } from '../syntax/ast.js';
import { parseFile } from '../syntax/parser.js';
import { resolveFile } from './resolver.js';

/** Resolves `source` and returns `name@line:col → scope` for every identifier use. */
function scopes(source: string, predeclared: string[] = []): string[] {
  const file = parseFile('r.star', source);
  resolveFile(file, { isPredeclared: (name) => predeclared.includes(name), isUniversal: (name) => name === 'len' });
  const found: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      const node = value as Node;
      if (node.kind === 'Identifier') {
        const identifier = node as Identifier;
        found.push(`${identifier.name}@${identifier.position.line}:${identifier.position.column} ${identifier.binding?.scope}`);
      }
      for (const [key, child] of Object.entries(value)) if (key !== 'binding' && key !== 'scope' && key !== 'position') visit(child);
    }
  };
  visit(file.statements);
  return found;
}

describe('resolver binding classification', () => {
  test('globals, predeclared, universal, locals, cells and free variables', () => {
    const source = ['g = len', 'def outer(p):', '    c = host', '    def inner():', '        return c + p + g', '    return inner'].join('\n');
    expect(scopes(source, ['host'])).toEqual([
      'g@1:1 global',
      'len@1:5 universal',
      'outer@2:5 global',
      'p@2:11 cell',
      'c@3:5 cell',
      'host@3:9 predeclared',
      'inner@4:9 local',
      'c@5:16 free',
      'p@5:20 free',
      'g@5:24 global',
      'inner@6:12 local',
    ]);
  });

  test('a name bound anywhere in a function is local everywhere in it', () => {
    const source = ['y = 1', 'def f():', '    x = y', '    y = 2', '    return x'].join('\n');
    expect(scopes(source).filter((entry) => entry.startsWith('y@'))).toEqual(['y@1:1 global', 'y@3:9 local', 'y@4:5 local']);
  });

  test('comprehension variables are locals of their own block; the first iterable is outside it', () => {
    const source = 'x = [1]\ny = [x for x in x]\n';
    expect(scopes(source)).toEqual(['x@1:1 global', 'y@2:1 global', 'x@2:6 local', 'x@2:12 local', 'x@2:17 global']);
  });

  test('lambdas capture comprehension variables as free variables', () => {
    expect(scopes('fs = [lambda: i for i in range(3)]\n', ['range'])).toContain('i@1:15 free');
  });
});
