import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EffectivePermissions, EffectResult } from '../../engine/index.js';
import { MockModelClient } from '../../providers/index.js';
import { protectedStatePaths } from '../../wiring/index.js';
import { RealLeafRunner } from '../real-leaf-runner.js';
import { bubblewrapForTests } from '../testing/require-bubblewrap.js';
import { leafRunInput, leafSpec, READ_ONLY, recordingContext } from '../testing/leaf-run-fixtures.js';
import { tempGitRepository, type TempGitRepository } from '../testing/temp-git-repository.js';

const CONFIG = 'providers:\n  local:\n    kind: mock\n';

describe.skipIf(!bubblewrapForTests())('leaf commands run in the bubblewrap sandbox (real bwrap, real processes)', () => {
  let repository: TempGitRepository;
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((_request, response) => response.end('reached'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    repository = tempGitRepository({ 'a.txt': 'one\n', 'whaleflow.config.yaml': CONFIG });
    repository.write('.whaleflow/whaleflow.db', 'SQLite format 3 precious');
    repository.write('home/.ssh/id_ed25519', 'PRIVATE KEY');
  });
  afterEach(() => repository.remove());

  const env = (): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: join(repository.root, 'home'), OPENAI_API_KEY: 'sk-live-secret' });

  async function runCommand(command: string, permissions: Partial<EffectivePermissions> = {}, leafFields: { mode?: 'read_write'; isolation?: 'worktree' } = {}): Promise<EffectResult> {
    const runner = new RealLeafRunner({ cwd: repository.root, env: env(), modelClient: new MockModelClient(), routeFor: () => ({ route: { provider: 'mock', model: 'm' } }), protectedPaths: protectedStatePaths(repository.root, env()) });
    const leaf = leafSpec({ id: 'cmd', prompt: `Run: ${command}`, agent_type: 'verifier', command, ...leafFields });
    return runner.run(leafRunInput(leaf, { permissions: { ...READ_ONLY, allowedCommands: [command], ...permissions } }), recordingContext());
  }

  function stdoutOf(result: EffectResult): string {
    return result.artifacts?.find((artifact) => artifact.kind === 'stdout')?.content ?? '';
  }

  it('a read-only leaf cannot write the working tree; /tmp is private and writable', async () => {
    const marker = `whaleflow-sandbox-${process.pid}-${Date.now()}`;
    const result = await runCommand(`echo pwned > a.txt; echo new > b.txt; echo tmp > /tmp/${marker} && cat /tmp/${marker}`);
    expect(readFileSync(join(repository.root, 'a.txt'), 'utf8')).toBe('one\n');
    expect(existsSync(join(repository.root, 'b.txt'))).toBe(false);
    expect(stdoutOf(result)).toBe('tmp\n'); // the private /tmp works inside
    expect(existsSync(join('/tmp', marker))).toBe(false); // and is not the host's
  });

  it('a leaf allowed to write the tree (--allow-write-tree) writes there and nowhere else', async () => {
    const outside = join('/var/tmp', `whaleflow-outside-${process.pid}-${Date.now()}`); // not under the private /tmp
    await runCommand(`echo changed > a.txt; echo x > ${outside}`, { allowWrite: true, isolation: 'shared' }, { mode: 'read_write' });
    expect(readFileSync(join(repository.root, 'a.txt'), 'utf8')).toBe('changed\n');
    expect(existsSync(outside)).toBe(false);
  });

  it('no network without the grant (loopback server unreachable); reachable with it', async () => {
    const fetchIt = `node -e "fetch('http://127.0.0.1:${port}/').then(r => r.text()).then(t => console.log(t), e => { console.log('blocked'); process.exit(3); })"`;
    const denied = await runCommand(fetchIt);
    expect(stdoutOf(denied)).toBe('blocked\n');
    expect(denied.status).toBe('failed');
    const granted = await runCommand(fetchIt, { allowNetwork: true });
    expect(stdoutOf(granted)).toBe('reached\n');
  });

  it("WhaleFlow's state, the configuration and credential stores are hidden, also from a writer", async () => {
    const result = await runCommand(
      'cat .whaleflow/whaleflow.db; ls -A .whaleflow; cat whaleflow.config.yaml; cat "$HOME/.ssh/id_ed25519"; echo "key=$OPENAI_API_KEY"; echo gone > .whaleflow/whaleflow.db; rm -rf .whaleflow; echo "evil: 1" > whaleflow.config.yaml; true',
      { allowWrite: true, isolation: 'shared' },
      { mode: 'read_write' },
    );
    const stdout = stdoutOf(result);
    expect(stdout).not.toContain('precious');
    expect(stdout).not.toContain('PRIVATE KEY');
    expect(stdout).not.toContain('providers');
    expect(stdout).toContain('key=\n');
    expect(readFileSync(join(repository.root, '.whaleflow', 'whaleflow.db'), 'utf8')).toBe('SQLite format 3 precious');
    expect(readFileSync(join(repository.root, 'whaleflow.config.yaml'), 'utf8')).toBe(CONFIG);
  });

  it('a writer that creates a missing whaleflow.config.yaml fails, and the file is removed', async () => {
    repository.git('rm', '-q', 'whaleflow.config.yaml');
    const result = await runCommand('echo "providers: {evil: {kind: openai}}" > whaleflow.config.yaml', { allowWrite: true, isolation: 'shared' }, { mode: 'read_write' });
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/created .*whaleflow\.config\.yaml, WhaleFlow's configuration/);
    expect(existsSync(join(repository.root, 'whaleflow.config.yaml'))).toBe(false);
  });

  it('a worktree writer writes its worktree (the diff is its artifact), never the user tree', async () => {
    const result = await runCommand(`echo changed > a.txt; echo x > ${join(repository.root, 'a.txt')}`, { allowWrite: true, isolation: 'worktree' }, { mode: 'read_write', isolation: 'worktree' });
    expect(readFileSync(join(repository.root, 'a.txt'), 'utf8')).toBe('one\n');
    const diff = result.artifacts?.find((artifact) => artifact.kind === 'diff')?.content ?? '';
    expect(diff).toContain('+changed');
  });

  it('what a command leaves running in the background dies with it', async () => {
    const marker = `${Math.floor(Math.random() * 1e6) + 1000}`;
    const result = await runCommand(`sleep ${marker} & echo started`);
    expect(stdoutOf(result)).toBe('started\n');
    const survivors = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((line) => line.trim() === `sleep ${marker}`);
    expect(survivors).toEqual([]);
  });

  it('git works read-only in the workspace (the repository stays visible under the private /tmp)', async () => {
    mkdirSync(join(repository.root, 'sub'), { recursive: true });
    writeFileSync(join(repository.root, 'sub', 'c.txt'), 'c\n');
    const result = await runCommand('git log --format=%s -1');
    expect(stdoutOf(result)).toBe('initial\n');
  });
});
