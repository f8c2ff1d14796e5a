import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { assertNever } from '../../util/index.js';

/** Whether the request asked for a streamed answer (both vendors spell it `stream: true`). */
export function isStreamingRequest(request: FakeRequest): boolean {
  return (request.body as { stream?: unknown } | undefined)?.stream === true;
}

/** What the fake server does with one request. */
export type FakeReply =
  | { readonly kind: 'json'; readonly status?: number; readonly headers?: Record<string, string>; readonly body: unknown }
  /** Server-sent events; `data` strings are sent verbatim, so a test can send broken JSON. */
  | { readonly kind: 'sse'; readonly events: readonly FakeSseEvent[]; readonly resetAfter?: boolean }
  /** Drops the connection without answering. */
  | { readonly kind: 'reset' }
  /** Never answers; the client has to give up (abort or timeout). */
  | { readonly kind: 'hang' }
  /** Decides once the request is seen, e.g. streaming or not. */
  | { readonly kind: 'depends'; readonly reply: (request: FakeRequest) => FakeReply };

export interface FakeSseEvent {
  readonly event?: string;
  readonly data: string;
}

export interface FakeRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
}

/**
 * A local HTTP server on 127.0.0.1 and a random port that plays a provider's wire protocol,
 * replying from a queue. Tests point the real SDK-based clients at it, so nothing leaves
 * the machine.
 */
export class FakeProviderServer {
  readonly requests: FakeRequest[] = [];
  private readonly replies: FakeReply[] = [];
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeProviderServer> {
    let instance: FakeProviderServer | undefined;
    const server = createServer((request, response) => void instance?.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    instance = new FakeProviderServer(server, `http://127.0.0.1:${port}`);
    return instance;
  }

  /** Queues replies for the next requests, in order. */
  enqueue(...replies: FakeReply[]): void {
    this.replies.push(...replies);
  }

  /** Drops whatever is still queued (e.g. by a test whose call never reached the server) and queues these. */
  replaceQueue(...replies: FakeReply[]): void {
    this.replies.length = 0;
    this.replies.push(...replies);
  }

  async close(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    this.requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: text ? JSON.parse(text) : undefined });
    const reply = this.replies.shift() ?? { kind: 'json', status: 500, body: { error: { message: 'fake server: no reply queued' } } };
    this.send(reply, response, this.requests.at(-1) as FakeRequest);
  }

  private send(reply: FakeReply, response: ServerResponse, request: FakeRequest): void {
    switch (reply.kind) {
      case 'json':
        response.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
        response.end(JSON.stringify(reply.body));
        return;
      case 'sse':
        response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        for (const event of reply.events) {
          response.write(`${event.event ? `event: ${event.event}\n` : ''}data: ${event.data}\n\n`);
        }
        if (reply.resetAfter) {
          // Let the events reach the client first, so the cut happens mid-stream, not before it.
          response.write(': flush\n\n', () => setTimeout(() => response.socket?.destroy(), 20));
        } else {
          response.end();
        }
        return;
      case 'reset':
        response.socket?.destroy();
        return;
      case 'hang':
        this.hanging.add(response);
        return;
      case 'depends':
        this.send(reply.reply(request), response, request);
        return;
      default:
        assertNever(reply, 'fake reply');
    }
  }
}
