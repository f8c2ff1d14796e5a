import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A redis-server this test started on 127.0.0.1, without persistence; stop() kills it and removes its directory. */
export interface TestRedis {
  readonly url: string;
  readonly port: number;
  /** Kills the server (SIGKILL) and starts a new, empty one on the same port: a Redis restart that lost everything. */
  restart(options?: { readonly downMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

/** Whether redis-server is installed, or why the tests that need it are skipped. */
export function redisServerAvailability(environment: NodeJS.ProcessEnv = process.env): { readonly available: true } | { readonly available: false; readonly skipReason: string } {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.status === 0) return { available: true };
  const skipReason = 'redis-server is not installed (Debian: apt-get install redis-server; .ci/run installs it)';
  const ci = environment['CI'];
  if (ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false') throw new Error(`${skipReason}. CI is set, so this is a failure, not a skip.`);
  console.log(`skipped: ${skipReason}`);
  return { available: false, skipReason };
}

export async function startTestRedis(): Promise<TestRedis> {
  const port = await freePort();
  const directory = mkdtempSync(join(tmpdir(), 'whaleflow-redis-'));
  let server = await launch(port, directory);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async restart(options = {}) {
      await kill(server);
      if (options.downMs) await new Promise((resolve) => setTimeout(resolve, options.downMs));
      server = await launch(port, directory);
    },
    async stop() {
      await kill(server);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

async function launch(port: number, directory: string): Promise<ChildProcess> {
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', directory, '--loglevel', 'warning'], { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`redis-server exited with ${server.exitCode} on port ${port}`);
    if (await answersPing(port)) return server;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await kill(server);
  throw new Error(`redis-server did not answer on 127.0.0.1:${port} within 10 s`);
}

function kill(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    server.once('exit', () => resolve());
    server.kill('SIGKILL');
  });
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
    socket.setTimeout(1_000, () => done(false));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
