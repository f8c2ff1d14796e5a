import { describeError } from '../../util/index.js';

/** Thrown when a model's structured answer does not have the required shape. */
export class MalformedAnswerError extends Error {
  override readonly name = 'MalformedAnswerError';
}

/** Parses a JSON reply, tolerating a ```json fence around it (models add them) but nothing else. */
export function parseJsonReply(text: string): unknown {
  const trimmed = text.trim();
  const fenced = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/.exec(trimmed);
  try {
    return JSON.parse(fenced ? fenced[1]! : trimmed);
  } catch (error) {
    throw new MalformedAnswerError(`the reply is not JSON: ${describeError(error)}`);
  }
}

export interface JudgeAnswer {
  readonly answer: boolean;
  readonly reason: string;
}

/** A judge must answer `{"answer": true|false, "reason": "..."}`; anything else is an error, not a guess. */
export function parseJudgeAnswer(text: string): JudgeAnswer {
  const value = parseJsonReply(text) as { answer?: unknown; reason?: unknown } | null;
  if (!value || typeof value !== 'object' || typeof value.answer !== 'boolean') {
    throw new MalformedAnswerError('the judge must answer {"answer": true|false, "reason": "..."}');
  }
  return { answer: value.answer, reason: typeof value.reason === 'string' ? value.reason : '' };
}
