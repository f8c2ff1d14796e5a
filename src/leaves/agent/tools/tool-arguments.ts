import { ToolError } from './tool-error.js';

/** Small readers for tool arguments; a wrong type is the model's mistake, reported as a ToolError. */
export function stringArgument(tool: string, args: Record<string, unknown>, name: string): string {
  const value = args[name];
  if (typeof value !== 'string') throw new ToolError(tool, `argument "${name}" must be a string`);
  return value;
}

export function optionalStringArgument(tool: string, args: Record<string, unknown>, name: string): string | undefined {
  return args[name] === undefined || args[name] === null ? undefined : stringArgument(tool, args, name);
}

export function optionalIntegerArgument(tool: string, args: Record<string, unknown>, name: string, minimum = 1): number | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum) {
    throw new ToolError(tool, `argument "${name}" must be an integer ≥ ${minimum}`);
  }
  return value;
}
