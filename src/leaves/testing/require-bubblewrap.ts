import { detectBubblewrap } from '../sandbox/index.js';

/**
 * Whether the command-sandbox tests can run: bwrap installed and able to make its namespaces.
 * `.ci/run` installs it, so under CI its absence is a failure, not a skip; elsewhere the tests
 * skip with a printed reason.
 */
export function bubblewrapForTests(environment: NodeJS.ProcessEnv = process.env): boolean {
  const probe = detectBubblewrap();
  if (probe.available) return true;
  const reason = `bubblewrap is unavailable (${probe.reason}); install it (apt-get install bubblewrap)`;
  const ci = environment.CI;
  if (ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false') throw new Error(`${reason}. CI is set (.ci/run installs it), so this is a failure, not a skip.`);
  console.log(`skipped: ${reason}`);
  return false;
}
