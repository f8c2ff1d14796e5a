import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../cli-context.js';
import { runCliInMemory } from '../index.js';
import { commandEntries } from './index.js';

const context: CliContext = { stdout: () => {}, stderr: () => {}, cwd: process.cwd(), env: {}, isTty: false, exitCode: 0 };
const cliDocs = readFileSync(resolve(import.meta.dirname, '../../../docs/cli.md'), 'utf8');

/** The text of docs/cli.md from `## whaleflow NAME` to the next `## ` heading. */
function docsSection(name: string): string {
  const start = cliDocs.indexOf(`\n## whaleflow ${name}`);
  if (start < 0) return '';
  const next = cliDocs.indexOf('\n## ', start + 1);
  return cliDocs.slice(start, next < 0 ? undefined : next);
}

function longOptions(command: Command): string[] {
  const own = command.options
    .filter((option) => !option.hidden)
    .map((option) => option.long)
    .filter((long): long is string => !!long && long !== '--help');
  return [...own, ...command.commands.flatMap((sub) => longOptions(sub))];
}

describe('every command', () => {
  for (const entry of commandEntries) {
    it(`${entry.name}: --help shows an example`, async () => {
      const result = await runCliInMemory([entry.name, '--help']);
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toMatch(/Examples?:\n\s+\$ (echo|whaleflow|DEEPSEEK)/);
    });

    it(`${entry.name}: documented in docs/cli.md with every option`, async () => {
      const command = (await entry.load())(context);
      const section = docsSection(entry.name);
      expect(section, `docs/cli.md has no "## whaleflow ${entry.name}" section`).not.toBe('');
      for (const option of longOptions(command)) expect(section, `${entry.name} ${option}`).toContain(option);
      for (const sub of command.commands) expect(section, `${entry.name} ${sub.name()}`).toContain(sub.name());
    });
  }
});
