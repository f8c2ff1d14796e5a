import type { ModelCallOptions, ModelClient, ModelStreamEvent } from './model-client.js';
import type { ModelRequest } from './model-request.js';
import type { ModelResponse } from './model-response.js';

/**
 * A client built on its first call. Vendor SDKs take a noticeable part of a second to load;
 * a run that only uses the mock, or a command that never calls a model, should not pay for them.
 */
export class DeferredModelClient implements ModelClient {
  private client: Promise<ModelClient> | undefined;

  constructor(private readonly load: () => Promise<ModelClient>) {}

  private resolve(): Promise<ModelClient> {
    this.client ??= this.load();
    return this.client;
  }

  async generate(request: ModelRequest, options?: ModelCallOptions): Promise<ModelResponse> {
    return (await this.resolve()).generate(request, options);
  }

  async *stream(request: ModelRequest, options?: ModelCallOptions): AsyncIterable<ModelStreamEvent> {
    yield* (await this.resolve()).stream(request, options);
  }
}
