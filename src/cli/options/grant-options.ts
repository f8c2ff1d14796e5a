import { Option } from 'commander';
import { grantFromFlags, type PermissionGrant } from '../../engine/index.js';
import { nonEmptyText } from './text-arguments.js';

/** The grant flags `run`, `resume` and `replay` share. */
export interface GrantOptions {
  readOnly?: boolean;
  allowNetwork?: boolean;
  allowWriteTree?: boolean;
  /** `--allow-command CMD`, repeatable. */
  allowCommand?: string[];
}

/**
 * `--allow-command CMD` (repeatable): the user's explicit grant of one exact command line to
 * any leaf, including leaves a model wrote (an expand's nodes, a generated plan), which may
 * otherwise run no command their source did not declare.
 */
export function allowCommandOption(): Option {
  return new Option('--allow-command <command>', 'let model-written leaves (an expansion, a generated plan) run this exact command; repeatable')
    .argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), nonEmptyText(value)]);
}

/**
 * The user's grant from the flags. `generatedSource`: the workflow is a model-generated plan,
 * whose own commands are model output, so only --allow-command grants run.
 */
export function grantFromOptions(options: GrantOptions, generatedSource = false): PermissionGrant {
  return grantFromFlags({
    readOnly: options.readOnly,
    allowNetwork: options.allowNetwork,
    allowWriteTree: options.allowWriteTree,
    ...(options.allowCommand ? { grantedCommands: options.allowCommand } : {}),
    generatedSource,
  });
}
