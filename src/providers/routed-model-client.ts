import type { ModelCallOptions, ModelClient, ModelStreamEvent } from './model-client.js';
import type { ModelRequest } from './model-request.js';
import type { ModelResponse } from './model-response.js';
import { BadRequestError } from './provider-error.js';

/** Sends each request to the client of its route's provider. */
export class RoutedModelClient implements ModelClient {
  constructor(private readonly clients: ReadonlyMap<string, ModelClient>) {}

  generate(request: ModelRequest, options?: ModelCallOptions): Promise<ModelResponse> {
    return this.clientFor(request).generate(request, options);
  }

  async *stream(request: ModelRequest, options?: ModelCallOptions): AsyncGenerator<ModelStreamEvent> {
    yield* this.clientFor(request).stream(request, options);
  }

  private clientFor(request: ModelRequest): ModelClient {
    const client = this.clients.get(request.route.provider);
    if (!client) {
      throw new BadRequestError(`no provider '${request.route.provider}' is configured`, { provider: request.route.provider });
    }
    return client;
  }
}
