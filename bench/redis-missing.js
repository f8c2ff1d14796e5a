// The queue benches need a redis-server of their own (started on loopback). Without one they
// skip with a printed reason and one row saying so, instead of failing the whole bench run.
import { spawnSync } from 'node:child_process';

/** The `skipped` row for `bench` when redis-server is not installed; undefined when it is. */
export function redisMissingRows(bench) {
  if (spawnSync('redis-server', ['--version']).status === 0) return undefined;
  const reason = 'redis-server is not installed (apt-get install redis-server)';
  process.stderr.write(`${bench} bench skipped: ${reason}\n`);
  return [{ bench, metric: 'skipped', value: 0, unit: '', note: reason }];
}
