// Provider outcomes are reported as they happened. Real `whaleflow` processes run agent leaves
// against a loopback OpenAI-compatible server that answers each leaf differently: cut off at the
// token limit, filtered, with tool arguments that are not JSON, throttled with a long
// Retry-After, and one plain success. Each failure is a failed leaf with a clear message, every
// token the provider billed is in the leaf's usage, the output cap goes out with every request,
// and a long Retry-After is neither waited on nor retried at once.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWhaleflowAsync } from './testing/whaleflow-process.js';

interface SeenRequest {
  readonly leaf: string;
  readonly body: { max_tokens?: number; messages: { role: string; content: string | null }[] };
}

/** Usage each scripted answer reports: what the provider bills. */
const USAGE = { prompt_tokens: 100, completion_tokens: 512, total_tokens: 612 };

/** One scripted answer per leaf, chosen by the word in the leaf's prompt. */
function answerFor(leaf: string): { status: number; headers?: Record<string, string>; body: unknown } {
  const completion = (message: unknown, finish: string) => ({
    status: 200,
    body: { id: 'c', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message, finish_reason: finish }], usage: USAGE },
  });
  switch (leaf) {
    case 'cut':
      return completion({ role: 'assistant', content: 'The answer begins and then' }, 'length');
    case 'filtered':
      return completion({ role: 'assistant', content: '' }, 'content_filter');
    case 'garbled':
      return completion({ role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'finish', arguments: '{"summary": "unterminated' } }] }, 'tool_calls');
    case 'throttled':
      return { status: 429, headers: { 'retry-after': '120' }, body: { error: { message: 'Rate limit reached', type: 'rate_limit' } } };
    default:
      return completion({ role: 'assistant', content: 'All good.' }, 'stop');
  }
}

class ScriptedServer {
  readonly requests: SeenRequest[] = [];
  private constructor(private readonly server: Server, readonly port: number) {}

  static async start(): Promise<ScriptedServer> {
    let instance: ScriptedServer | undefined;
    const server = createServer((request, response) => void instance!.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    instance = new ScriptedServer(server, (server.address() as AddressInfo).port);
    return instance;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of request) raw += chunk;
    const body = JSON.parse(raw) as SeenRequest['body'];
    const prompt = body.messages.find((message) => message.role === 'user')?.content ?? '';
    const leaf = /\[(\w+)\]/.exec(prompt)?.[1] ?? 'ok';
    this.requests.push({ leaf, body });
    const answer = answerFor(leaf);
    response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    response.end(JSON.stringify(answer.body));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const WORKFLOW = `id: outcomes
goal: every way a provider answer can fail
nodes:
${['cut', 'filtered', 'garbled', 'throttled', 'ok'].map((id) => `  - kind: leaf\n    spec: { id: ${id}, prompt: "[${id}] Answer.", agent_type: explore }`).join('\n')}
`;

interface FinishedNode {
  readonly type: string;
  readonly nodeId?: string;
  readonly status?: string;
  readonly error?: string;
  readonly usage?: { input_tokens: number; output_tokens: number; cost_microusd: number | null };
}

describe('provider outcomes are honest (real processes, a scripted loopback provider)', () => {
  let server: ScriptedServer;
  let cwd: string;
  let run: { status: number | null; stdout: string; stderr: string };
  const finished = new Map<string, FinishedNode>();

  beforeAll(async () => {
    server = await ScriptedServer.start();
    cwd = mkdtempSync(join(tmpdir(), 'whaleflow-outcomes-'));
    writeFileSync(
      join(cwd, 'whaleflow.config.yaml'),
      `providers:\n  scripted:\n    kind: openai-compatible\n    base_url: http://127.0.0.1:${server.port}/v1\nmodels:\n  - provider: scripted\n    model: m\n    capabilities: { tool_calls: true, max_output_tokens: 512 }\n    prices: { input_cache_miss: 1.0, output: 2.0 }\nroles:\n  default:\n    primary: scripted/m\n`,
    );
    writeFileSync(join(cwd, 'outcomes.yaml'), WORKFLOW);
    execFileSync('git', ['init', '-q'], { cwd });
    run = await runWhaleflowAsync(['run', 'outcomes.yaml', '--provider', 'config'], { cwd });
    const exported = await runWhaleflowAsync(['export', 'last'], { cwd });
    for (const { event } of (JSON.parse(exported.stdout) as { events: { event: FinishedNode }[] }).events) {
      if (event.type === 'node_finished' && event.nodeId) finished.set(event.nodeId, event);
    }
  }, 240_000);
  afterAll(async () => {
    await server?.close();
  });

  it('the run fails, naming each failure; the successful leaf succeeds', () => {
    expect(run.status, run.stderr).not.toBe(0);
    expect(finished.get('ok')?.status).toBe('succeeded');
    for (const leaf of ['cut', 'filtered', 'garbled', 'throttled']) expect(finished.get(leaf)?.status, leaf).toBe('failed');
  });

  it('a cut-off answer is a failure that says so, not a succeeded leaf with half an answer', () => {
    expect(finished.get('cut')?.error).toMatch(/output cut off at 512 tokens \(finish_reason "length"\)/);
    expect(finished.get('filtered')?.error).toMatch(/filtered or refused the answer \(finish_reason "content_filter"\)/);
  });

  it('every billed token is counted, also for answers that were refused after they arrived', () => {
    for (const leaf of ['cut', 'filtered', 'garbled', 'ok']) {
      expect(finished.get(leaf)?.usage, leaf).toEqual({ input_tokens: 100, output_tokens: 512, cost_microusd: 100 * 1 + 512 * 2 });
    }
    expect(finished.get('garbled')?.error).toMatch(/tool call 'finish' has arguments that are not valid JSON/);
  });

  it('sends the model’s max_output_tokens as the cap of every request', () => {
    expect(server.requests.length).toBeGreaterThan(0);
    for (const request of server.requests) expect(request.body.max_tokens).toBe(512);
  });

  it('a Retry-After longer than WhaleFlow waits fails the leaf with that reason, asked once, never retried at once', () => {
    expect(finished.get('throttled')?.error).toMatch(/asked to wait 120 s before trying again \(Retry-After\)/);
    expect(server.requests.filter((request) => request.leaf === 'throttled')).toHaveLength(1);
  });
});
