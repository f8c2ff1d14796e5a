import type { ModelStreamEvent } from './model-client.js';
import type { ModelResponse } from './model-response.js';
import { MalformedResponseError } from './provider-error.js';

/** Plays a finished response back as a stream, for clients that have nothing live to stream. */
export async function* streamFromResponse(response: ModelResponse): AsyncGenerator<ModelStreamEvent> {
  if (response.text.length > 0) yield { type: 'text-delta', text: response.text };
  for (const [index, call] of response.toolCalls.entries()) {
    yield {
      type: 'tool-call-delta',
      index,
      id: call.id,
      name: call.name,
      argumentsDelta: JSON.stringify(call.arguments),
    };
  }
  yield { type: 'finish', response };
}

/** Drains a stream and returns its final response; a stream without one is malformed. */
export async function collectStream(events: AsyncIterable<ModelStreamEvent>, provider: string): Promise<ModelResponse> {
  for await (const event of events) {
    if (event.type === 'finish') return event.response;
  }
  throw new MalformedResponseError('stream ended without a final response', { provider });
}
