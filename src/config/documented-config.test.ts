import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from './parse-config.js';
import { resolveRoute } from './resolve-route.js';

const documentation = fileURLToPath(new URL('../../docs/configuration.md', import.meta.url));

describe('docs/configuration.md', () => {
  it('shows an example that is a valid configuration', () => {
    const example = /## Example\s+```yaml\n([\s\S]*?)```/.exec(readFileSync(documentation, 'utf8'))?.[1];
    expect(example).toBeDefined();
    const config = parseConfigText(example ?? '', 'docs/configuration.md');
    expect(resolveRoute(config, { role: 'implementer' })).toMatchObject({ provider: 'deepseek', reason: 'primary' });
    expect(resolveRoute(config, { role: 'explore' })).toMatchObject({ provider: 'mock', reason: 'role_default' });
  });
});
