import { loadConfig, type QueueConfig } from '../../config/index.js';
import { UsageError } from '../../util/index.js';

/** The queue a worker or `whaleflow workers` talks to: --queue/--queue-name, else the configuration's `queue:`. */
export function queueFromOptions(options: { readonly queue?: string; readonly queueName?: string }, location: { readonly cwd: string; readonly env: NodeJS.ProcessEnv }): QueueConfig {
  const configured = loadConfig(location).queue;
  if (!options.queue && !configured.enabled) {
    throw new UsageError('name the queue: --queue redis://HOST:PORT (or enable queue: in the configuration, see docs/distributed.md)');
  }
  return { ...configured, enabled: true, ...(options.queue ? { url: options.queue } : {}), ...(options.queueName ? { name: options.queueName } : {}) };
}
