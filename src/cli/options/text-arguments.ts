import { InvalidArgumentError } from 'commander';

/** A value that must say something (`--from <node>`): an empty string is a mistake, not "unset". */
export function nonEmptyText(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('expected a value, got an empty string');
  return value;
}
