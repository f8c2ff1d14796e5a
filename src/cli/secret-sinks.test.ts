// Secrets never reach a sink. Real `whaleflow` processes run a workflow against a loopback
// OpenAI-compatible server that plays a hostile model: it echoes the API key it was sent and a
// deploy token it read from the repository, and a second provider echoes the key in its 401
// error body. Then every sink is searched, byte for byte, for every form of every secret: the
// database files, the memo table and `memo export`, the background run's log, stdout and
// stderr, inspect, ps, report (md, json, html), export. And the other half of the rule: text
// that merely looks like a credential is kept, so replay and resume stay exact.
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWhaleflowAsync, type ProcessOutcome } from './testing/whaleflow-process.js';

/**
 * The configured key: its variable's name is on no list (only the configuration says it is a
 * key); a quote and backslashes (an HTTP header carries no unicode, so a key has none).
 */
const MODEL_KEY = 'K3y"with\\back\\slash-0123';
/** A secret-named variable whose value sits in a repository file the model reads: a newline and unicode too. */
const DEPLOY_TOKEN = 'dep"loy\\tok\nen-ünïcødé-🐋-second-line';
/** The failing provider's key, echoed back in its error body. */
const LEAKY_KEY = 'leaky-provider-secret-"q"-9876';
/** Looks like an OpenAI key; is ordinary workflow text. */
const LOOKALIKE = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD';

const SECRETS = [MODEL_KEY, DEPLOY_TOKEN, LEAKY_KEY];

/** Every form a secret could be written in, and distinctive fragments that occur in no other text. */
function leakForms(secret: string): string[] {
  const escaped = JSON.stringify(secret).slice(1, -1);
  const lines = secret.split('\n').filter((line) => line.length >= 8);
  return [secret, escaped, JSON.stringify(escaped).slice(1, -1), encodeURIComponent(secret), ...lines];
}
const FRAGMENTS = ['with\\back\\slash', 'ünïcødé-🐋-second', 'provider-secret-'];

function expectNoLeak(sink: string, content: string | Buffer): void {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  for (const secret of SECRETS) {
    for (const form of leakForms(secret)) expect(bytes.indexOf(Buffer.from(form, 'utf8')), `${sink} holds ${JSON.stringify(form)}`).toBe(-1);
  }
  for (const fragment of FRAGMENTS) expect(bytes.indexOf(Buffer.from(fragment, 'utf8')), `${sink} holds ${JSON.stringify(fragment)}`).toBe(-1);
}

interface SeenRequest {
  readonly path: string;
  readonly authorization: string;
  readonly body: { model: string; messages: { role: string; content: string | null }[]; tools?: unknown[] };
}

/**
 * A hostile model behind the OpenAI chat-completions protocol. `/echo/v1`: with tools and no tool
 * result yet it reads notes.txt; with a tool result it finishes with a summary that repeats the
 * API key it was sent and what it read; without tools it answers with the key. `/leaky/v1`:
 * 401 with the key in the error message, as some providers do. A prompt containing `[hang]`
 * gets no answer while `hang` is set.
 */
class HostileModelServer {
  readonly requests: SeenRequest[] = [];
  hang = false;
  private readonly held: ServerResponse[] = [];
  private constructor(private readonly server: Server, readonly port: number) {}

  static async start(): Promise<HostileModelServer> {
    let instance: HostileModelServer | undefined;
    const server = createServer((request, response) => void instance!.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    instance = new HostileModelServer(server, (server.address() as AddressInfo).port);
    return instance;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of request) raw += chunk;
    const seen: SeenRequest = { path: request.url ?? '', authorization: String(request.headers.authorization ?? ''), body: JSON.parse(raw) };
    this.requests.push(seen);
    const key = seen.authorization.replace(/^Bearer /, '');
    if (seen.path.startsWith('/leaky/')) {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${key}. You can find your API key at https://example.invalid`, type: 'invalid_request_error' } }));
      return;
    }
    const first = seen.body.messages.find((message) => message.role === 'user')?.content ?? '';
    if (this.hang && first.includes('[hang]')) {
      this.held.push(response);
      return;
    }
    const toolResult = seen.body.messages.find((message) => message.role === 'tool')?.content;
    const finish = (summary: string) => ({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_finish', type: 'function', function: { name: 'finish', arguments: JSON.stringify({ summary, status: 'succeeded' }) } }],
    });
    const message = first.includes('Remember')
      ? finish(`I remember: ${first}`)
      : !seen.body.tools?.length
      ? { role: 'assistant', content: `verdict, signed with ${key}` }
      : toolResult === undefined
        ? { role: 'assistant', content: null, tool_calls: [{ id: 'call_read', type: 'function', function: { name: 'read_file', arguments: JSON.stringify({ path: 'notes.txt' }) } }] }
        : finish(`my key is ${key}; the file said: ${toolResult}`);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1,
        model: seen.body.model,
        choices: [{ index: 0, message, finish_reason: 'tool_calls' in message ? 'tool_calls' : 'stop' }],
        usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
      }),
    );
  }

  async close(): Promise<void> {
    for (const response of this.held) response.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function config(port: number): string {
  return `providers:
  echo:
    kind: openai-compatible
    base_url: http://127.0.0.1:${port}/echo/v1
    api_key_env: ECHO_LLM
  leaky:
    kind: openai-compatible
    base_url: http://127.0.0.1:${port}/leaky/v1
    api_key_env: LEAKY_PROVIDER_SECRET
models:
  - provider: echo
    model: model-a
    capabilities: { tool_calls: true, max_output_tokens: 1024 }
    prices: { input_cache_miss: 1.0, output: 2.0 }
  - provider: leaky
    model: model-b
    capabilities: { tool_calls: true, max_output_tokens: 1024 }
roles:
  default:
    primary: echo/model-a
  broken:
    primary: leaky/model-b
memo:
  enabled: true
  cross_run: deterministic
`;
}

const WORKFLOW = `id: secrets-everywhere
goal: Provoke every way a secret could leak
nodes:
  - kind: leaf
    spec: { id: reader, prompt: "Read notes.txt and report what it says.", agent_type: explore }
  - kind: leaf
    spec: { id: consumer, prompt: "Summarize the reader's report.", agent_type: explore, depends_on_results: [reader] }
  - kind: leaf
    spec: { id: lookalike, prompt: "Remember: the fixture key ${LOOKALIKE} is a test value.", agent_type: explore }
  - kind: leaf
    spec: { id: broken, prompt: "This provider rejects the key.", agent_type: explore, role: broken }
`;

function project(port: number): string {
  const cwd = mkdtempSync(join(tmpdir(), 'whaleflow-secrets-'));
  writeFileSync(join(cwd, 'whaleflow.config.yaml'), config(port));
  writeFileSync(join(cwd, 'secrets.yaml'), WORKFLOW);
  writeFileSync(join(cwd, 'notes.txt'), `deploy with ${DEPLOY_TOKEN}\n`);
  const git = (...args: string[]): void => void execFileSync('git', args, { cwd, stdio: 'ignore' });
  git('init', '-q');
  git('add', '-A');
  git('-c', 'user.email=t@whaleflow.invalid', '-c', 'user.name=t', 'commit', '-qm', 'project');
  return cwd;
}

describe('secrets never reach a sink (real processes, a hostile model server, the real database file)', () => {
  let server: HostileModelServer;
  let cwd: string;
  const env = (): NodeJS.ProcessEnv => ({ ECHO_LLM: MODEL_KEY, DEPLOY_TOKEN, LEAKY_PROVIDER_SECRET: LEAKY_KEY });
  const whaleflow = (...args: string[]): Promise<ProcessOutcome> => runWhaleflowAsync(args, { cwd, env: env() });
  const outputs: [string, string][] = [];
  let firstRunId = '';

  beforeAll(async () => {
    server = await HostileModelServer.start();
    cwd = project(server.port);
    const run = await whaleflow('run', 'secrets.yaml', '--provider', 'config');
    outputs.push(['run stdout', run.stdout], ['run stderr', run.stderr]);
    firstRunId = /run ([0-9a-f-]{36}): failed/.exec(run.stdout)?.[1] ?? '';
    // The same workflow in the background: its log file is a sink too (the memo answers the
    // model calls it already made; the leaky provider fails again).
    const started = await whaleflow('run', 'secrets.yaml', '--provider', 'config', '--background', '--json');
    const { runId } = JSON.parse(started.stdout) as { runId: string };
    for (let tries = 0; tries < 600; tries += 1) {
      const ps = JSON.parse((await whaleflow('ps', '--json')).stdout) as { runId: string; status: string }[];
      if (ps.some((entry) => entry.runId === runId && entry.status !== 'running')) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }, 300_000);
  afterAll(async () => {
    await server?.close();
  });

  it('the hostile model really was sent, and echoed, every secret (else this test proves nothing)', () => {
    expect(firstRunId).not.toBe('');
    expect(server.requests.some((request) => request.authorization === `Bearer ${MODEL_KEY}`)).toBe(true);
    expect(server.requests.some((request) => request.authorization === `Bearer ${LEAKY_KEY}`)).toBe(true);
    // The tool result the model saw held the deploy token (both of its lines), read from the repository.
    const [firstLine, secondLine] = DEPLOY_TOKEN.split('\n');
    const toolResults = server.requests.flatMap((request) => request.body.messages.filter((message) => message.role === 'tool').map((message) => message.content ?? ''));
    expect(toolResults.some((content) => content.includes(firstLine!) && content.includes(secondLine!))).toBe(true);
  });

  it('stdout and stderr of the run, and the background run’s log, hold no secret', () => {
    for (const [sink, text] of outputs) expectNoLeak(sink, text);
    const logs = join(cwd, '.whaleflow', 'logs');
    const files = readdirSync(logs);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const log = readFileSync(join(logs, file));
      expectNoLeak(`log ${file}`, log);
      expect(log.toString('utf8')).toContain('[REDACTED]'); // the leaky provider's echoed key, in the summary
    }
  });

  it('the database files (events, blobs, memo table, WAL) hold no secret, byte for byte', () => {
    const directory = join(cwd, '.whaleflow');
    for (const file of readdirSync(directory).filter((name) => name.startsWith('whaleflow.db'))) expectNoLeak(file, readFileSync(join(directory, file)));
    const database = new Database(join(directory, 'whaleflow.db'), { readonly: true });
    try {
      const memo = database.prepare('SELECT response_json FROM armh_memo').all() as { response_json: string }[];
      expect(memo.length).toBeGreaterThan(0);
      expect(memo.some((row) => row.response_json.includes('[REDACTED]'))).toBe(true);
    } finally {
      database.close();
    }
  });

  it('inspect, ps, report (md, json, html), export and memo export hold no secret', async () => {
    const commands: string[][] = [
      ['inspect', firstRunId],
      ['inspect', firstRunId, 'reader', '--full'],
      ['inspect', firstRunId, 'consumer', '--full'],
      ['inspect', firstRunId, 'broken', '--full'],
      ['ps'],
      ['ps', '--json'],
      ['report', firstRunId],
      ['report', firstRunId, '--format', 'json'],
      ['report', firstRunId, '--format', 'html', '-o', 'report.html'],
      ['export', firstRunId],
      ['export', firstRunId, '-o', 'export.json'],
      ['memo', 'export'],
      ['memo', 'export', '--out', 'memo.jsonl'],
    ];
    for (const args of commands) {
      const outcome = await whaleflow(...args);
      expect(outcome.status, `${args.join(' ')}: ${outcome.stderr}`).toBe(0);
      expectNoLeak(`whaleflow ${args.join(' ')} stdout`, outcome.stdout);
      expectNoLeak(`whaleflow ${args.join(' ')} stderr`, outcome.stderr);
    }
    for (const file of ['report.html', 'export.json', 'memo.jsonl']) expectNoLeak(file, readFileSync(join(cwd, file)));
    // The echoed key is there, redacted: the summary of the reader and the error of the leaky provider.
    const reader = (await whaleflow('inspect', firstRunId, 'reader', '--full')).stdout;
    expect(reader).toContain('my key is [REDACTED]; the file said:');
    expect((await whaleflow('inspect', firstRunId, 'broken')).stdout).toContain('Incorrect API key provided: [REDACTED]');
  }, 300_000);

  it('text that merely looks like a credential is kept, and the run replays identical (also its consumer of redacted text)', async () => {
    const lookalike = (await whaleflow('inspect', firstRunId, 'lookalike', '--full')).stdout;
    expect(lookalike).toContain(`I remember: Remember: the fixture key ${LOOKALIKE}`);
    expect(lookalike).not.toContain('[REDACTED]');
    const sentLookalike = server.requests.filter((request) => JSON.stringify(request.body).includes(LOOKALIKE));
    expect(sentLookalike.length).toBeGreaterThan(0);
    const replay = await whaleflow('replay', firstRunId);
    expect(replay.stdout).toContain('ran 0 live');
    expect(replay.stdout).toContain('parity: identical');
    expectNoLeak('replay stdout', replay.stdout);
  }, 120_000);

  it('resume after kill -9 serves the finished leaves (the look-alike included) and never sends the model [REDACTED]', async () => {
    writeFileSync(join(cwd, 'resume.yaml'), `id: resume-lookalike
goal: A finished look-alike leaf, then one that hangs
nodes:
  - kind: leaf
    spec: { id: lookalike, prompt: "Remember ${LOOKALIKE} exactly.", agent_type: explore }
  - kind: leaf
    spec: { id: slow, prompt: "[hang] take your time", agent_type: explore, depends_on_results: [lookalike] }
`);
    server.hang = true;
    const before = server.requests.length;
    let child: ChildProcess | undefined;
    const killed = runWhaleflowAsync(['run', 'resume.yaml', '--provider', 'config', '--run-id', 'resume-me'], { cwd, env: env(), onStart: (started) => (child = started) });
    const database = join(cwd, '.whaleflow', 'whaleflow.db');
    // Kill once the look-alike leaf's completion is committed and the slow leaf is waiting on the model.
    for (let tries = 0; tries < 600 && !(slowRequested(server, before) && completedEffects(database, 'resume-me') >= 1); tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(slowRequested(server, before)).toBe(true);
    child!.kill('SIGKILL');
    await killed;
    expect(existsSync(database)).toBe(true);
    server.hang = false;
    const sentBeforeResume = server.requests.length;
    const resumed = await whaleflow('resume', 'resume-me', '--provider', 'config', '--force');
    expect(resumed.status, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/served [1-9]\d* finished effects from the trace/);
    const afterResume = server.requests.slice(sentBeforeResume);
    // Only the unfinished leaf asked the model; the look-alike leaf was not run again.
    expect(afterResume.every((request) => request.body.messages[0]?.content?.includes('[hang]') || request.body.messages.some((message) => message.content?.includes('[hang]')))).toBe(true);
    expect(afterResume.some((request) => JSON.stringify(request.body).includes('[REDACTED]'))).toBe(false);
    // The slow leaf was given the look-alike leaf's output as recorded, which kept the look-alike text.
    expect(afterResume.some((request) => JSON.stringify(request.body).includes(LOOKALIKE))).toBe(true);
  }, 300_000);
});

function completedEffects(path: string, runId: string): number {
  if (!existsSync(path)) return 0;
  const database = new Database(path, { readonly: true });
  try {
    return (database.prepare("SELECT COUNT(*) AS n FROM events WHERE run_id = ? AND type = 'effect_completed'").get(runId) as { n: number }).n;
  } catch {
    return 0;
  } finally {
    database.close();
  }
}

function slowRequested(server: HostileModelServer, since: number): boolean {
  return server.requests.slice(since).some((request) => request.body.messages.some((message) => message.content?.includes('[hang]')));
}
