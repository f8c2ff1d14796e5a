import type { ModelRequest } from './model-request.js';
import type { ModelResponse } from './model-response.js';

/**
 * Per-call options that never change what is asked, only how the call is run and accounted
 * for. Keeping them out of `ModelRequest` keeps them out of the memo key.
 */
export interface ModelCallOptions {
  readonly signal?: AbortSignal;
  /**
   * Accounting labels of the caller, e.g. `run:r1`, `branch:b2`, `leaf:scan`. Decorators
   * count per label; the mock can match rules on them.
   */
  readonly scope?: readonly string[];
  /** The run the call belongs to; the memo reuses freely within a run, across runs by policy. */
  readonly runId?: string;
}

export type ModelStreamEvent =
  | { readonly type: 'text-delta'; readonly text: string }
  | {
      readonly type: 'tool-call-delta';
      /** Position of the call in the response; deltas of one call share it. */
      readonly index: number;
      readonly id?: string;
      readonly name?: string;
      readonly argumentsDelta: string;
    }
  | { readonly type: 'finish'; readonly response: ModelResponse };

/**
 * The one interface every provider, the mock and every decorator (retry, memo) implement.
 * A stream always ends with exactly one `finish` event whose response is what `generate`
 * would have returned.
 */
export interface ModelClient {
  generate(request: ModelRequest, options?: ModelCallOptions): Promise<ModelResponse>;
  stream(request: ModelRequest, options?: ModelCallOptions): AsyncIterable<ModelStreamEvent>;
}
