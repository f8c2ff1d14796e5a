import { Option, type Command } from 'commander';
import type { CompileOptions } from '../../authoring/index.js';
import { positiveInteger } from './number-arguments.js';

/** `--max-agents` / `--max-depth`: the launch-shape limits validation enforces (defaults 100 / 5). */
export function addLaunchShapeOptions(command: Command): Command {
  return command
    .addOption(new Option('--max-agents <n>', 'launch-shape limit on agents (loops and expands multiplied out)').argParser(positiveInteger))
    .addOption(new Option('--max-depth <n>', 'launch-shape limit on branch nesting').argParser(positiveInteger));
}

export function launchShapeFrom(options: { maxAgents?: number; maxDepth?: number }): CompileOptions {
  return {
    ...(options.maxAgents !== undefined ? { maxAgents: options.maxAgents } : {}),
    ...(options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {}),
  };
}
