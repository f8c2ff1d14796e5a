import type { Value } from '../values/value.js';
import { optionalInt } from './unpack-args.js';

/** The [start, end) code-unit range selected by optional `start`/`end` arguments, clamped like a slice. */
export function substringBounds(length: number, start: Value | undefined, end: Value | undefined): [number, number] {
  const clamp = (value: number): number => {
    const adjusted = value < 0 ? value + length : value;
    return Math.min(Math.max(adjusted, 0), length);
  };
  return [clamp(optionalInt(start, 'start', 0)), clamp(optionalInt(end, 'end', length))];
}
