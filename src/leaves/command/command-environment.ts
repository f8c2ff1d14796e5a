import { isSecretName } from '../../util/index.js';

/** Variables a build or test command commonly needs and that carry no credentials. */
const BASE_VARIABLES = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'TERM', 'TMPDIR', 'TZ', 'CI', 'NODE_ENV'];
/** How a process finds the network through a proxy; passed only when the leaf may use the network. */
const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'all_proxy', 'no_proxy'];

/**
 * The environment a leaf's command runs with: an allowlist, not the user's whole environment.
 * API keys and tokens never pass; proxy settings pass only with allowNetwork. This is NOT a
 * network sandbox: a process can still open sockets directly. It only keeps credentials and
 * the configured egress path out of commands that were not granted the network.
 */
export function commandEnvironment(source: NodeJS.ProcessEnv, allowNetwork: boolean): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  const names = [...BASE_VARIABLES, ...(allowNetwork ? PROXY_VARIABLES : [])];
  for (const name of Object.keys(source)) {
    const wanted = names.includes(name) || name.startsWith('LC_');
    // Never passed, whatever the permissions: the one secret-name list redaction uses too.
    if (wanted && !isSecretName(name) && source[name] !== undefined) environment[name] = source[name];
  }
  // Commands must never wait for a credential prompt or open an editor.
  environment.GIT_TERMINAL_PROMPT = '0';
  environment.WHALEFLOW_LEAF = '1';
  if (!allowNetwork) environment.WHALEFLOW_NO_NETWORK = '1';
  return environment;
}
