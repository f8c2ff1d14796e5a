import type { ModelCallOptions, ModelClient, ModelRequest, ModelResponse, ModelStreamEvent } from '../providers/index.js';

/** Counts the calls that reach the provider (it sits below the memo): what a run really paid for. */
export class CountingModelClient implements ModelClient {
  calls = 0;

  constructor(private readonly inner: ModelClient) {}

  generate(request: ModelRequest, options?: ModelCallOptions): Promise<ModelResponse> {
    this.calls += 1;
    return this.inner.generate(request, options);
  }

  stream(request: ModelRequest, options?: ModelCallOptions): AsyncIterable<ModelStreamEvent> {
    this.calls += 1;
    return this.inner.stream(request, options);
  }
}
