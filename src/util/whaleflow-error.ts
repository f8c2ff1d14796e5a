import type { Diagnostic } from './diagnostic.js';

/**
 * Base class of every error WhaleFlow raises on purpose. A user mistake is reported through
 * one of these (never a bare Error), so the CLI can print it without a stack trace.
 */
export class WhaleflowError extends Error {
  override readonly name: string = 'WhaleflowError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Input that does not compile or validate; carries every diagnostic found, not just the first. */
export class InvalidInputError extends WhaleflowError {
  override readonly name = 'InvalidInputError';
  constructor(
    readonly diagnostics: readonly Diagnostic[],
    message = 'invalid input',
  ) {
    super(message);
  }
}

/** A command-line usage mistake (exit code 2). */
export class UsageError extends WhaleflowError {
  override readonly name = 'UsageError';
}
