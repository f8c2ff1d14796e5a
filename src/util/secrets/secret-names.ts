/**
 * The one list of environment variable names whose values are secrets. The command
 * environment filter (a leaf's command never sees these) and the redaction of every sink
 * (trace, memo, logs, terminal, exports) both read it, so they cannot disagree.
 */
// AUTH but not AUTHOR: GIT_AUTHOR_NAME is a name, and redacting it would rewrite every commit message.
const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|AUTH(?!OR)|COOKIE|PRIVATE/i;

/** Whether a variable of this name holds a secret (by name; configured key variables are added with registerSecretVariable). */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) || registered.has(name);
}

const registered = new Set<string>();
let version = 0;

/**
 * Marks a variable as secret whatever its name: the configuration's `api_key_env` variables
 * are registered when the configuration is loaded and when a provider client reads its key,
 * so a key in `DEEPSEEK` or `LLM` is redacted like one in `OPENAI_API_KEY`.
 */
export function registerSecretVariable(name: string): void {
  if (registered.has(name)) return;
  registered.add(name);
  version += 1;
}

/** Changes whenever a variable is registered, so redactors know to look at the environment again. */
export function secretVariablesVersion(): number {
  return version;
}

/** The variables of `env` whose values are secrets, by the list and by registration. */
export function secretVariables(env: NodeJS.ProcessEnv): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (typeof value === 'string' && isSecretName(name)) secrets[name] = value;
  return secrets;
}
