import { join } from 'node:path';

/**
 * Test support: the environment of a user whose home is `home` — only PATH from this process,
 * so no configuration, key or XDG setting of the machine running the tests leaks into a run.
 */
export function isolatedUserEnvironment(home: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, '.config') };
}
