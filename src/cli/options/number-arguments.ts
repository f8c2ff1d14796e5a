import { InvalidArgumentError } from 'commander';
import { parsePositiveInteger, strictNumber } from './plain-numbers.js';

/**
 * Parsers for numeric option values, shared by every command so the same mistake gets the
 * same usage error (exit 2) everywhere. Commander calls them while parsing, before a command
 * opens anything.
 */

/** A whole number ≥ 1: `--max-concurrency`, `--limit`, `--max-steps`… */
export function positiveInteger(value: string): number {
  const parsed = parsePositiveInteger(value);
  if (parsed === undefined) throw new InvalidArgumentError('expected a positive whole number (1, 2, 3…)');
  return parsed;
}

/** A non-negative amount of US dollars: `--max-cost 2.50`. */
export function usDollars(value: string): number {
  const parsed = strictNumber(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new InvalidArgumentError('expected an amount in US dollars, e.g. 2.50');
  return parsed;
}

/** A parser for a duration in whole milliseconds of at least `minimum` (a redraw interval). */
export function millisecondsAtLeast(minimum: number): (value: string) => number {
  return (value) => {
    const parsed = strictNumber(value);
    if (!Number.isSafeInteger(parsed) || parsed < minimum) throw new InvalidArgumentError(`expected whole milliseconds, at least ${minimum}`);
    return parsed;
  };
}
