import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { registerSecretVariable, WhaleflowError } from '../util/index.js';
import { embeddedDefaultConfig } from './embedded-default-config.js';
import { parseConfigText } from './parse-config.js';
import type { WhaleflowConfig } from './whaleflow-config.js';

export const projectConfigFileName = 'whaleflow.config.yaml';

export interface ConfigLocationInput {
  /** The project root. */
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

export class ConfigNotFoundError extends WhaleflowError {
  override readonly name = 'ConfigNotFoundError';
  constructor(readonly path: string) {
    super(`WHALEFLOW_CONFIG names ${path}, which does not exist`);
  }
}

/**
 * Where the configuration comes from, in order: `WHALEFLOW_CONFIG`, the project's
 * `whaleflow.config.yaml`, the user's `~/.config/whaleflow/config.yaml`; undefined means the
 * embedded defaults.
 */
export function locateConfigFile({ cwd, env }: ConfigLocationInput): string | undefined {
  if (env.WHALEFLOW_CONFIG) {
    const explicit = resolve(cwd, env.WHALEFLOW_CONFIG);
    if (!existsSync(explicit)) throw new ConfigNotFoundError(explicit);
    return explicit;
  }
  const projectFile = join(cwd, projectConfigFileName);
  if (existsSync(projectFile)) return projectFile;
  const userFile = join(userConfigDirectory(env), 'config.yaml');
  return existsSync(userFile) ? userFile : undefined;
}

/** The user's configuration directory: `$XDG_CONFIG_HOME/whaleflow`, else `~/.config/whaleflow`. */
export function userConfigDirectory(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'whaleflow');
}

/** Loads the configuration in effect for a project; throws InvalidInputError with positions. */
export function loadConfig(input: ConfigLocationInput): WhaleflowConfig {
  const file = locateConfigFile(input);
  if (file === undefined) return embeddedDefaultConfig;
  const config = parseConfigText(readFileSync(file, 'utf8'), file);
  // The key variables are secrets whatever their names: every sink redacts their values from now on.
  for (const provider of config.providers.values()) if (provider.apiKeyEnv) registerSecretVariable(provider.apiKeyEnv);
  return config;
}
