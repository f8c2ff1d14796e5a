import type { RunPlacement } from './compose-run.js';

/** One line after a queued run: where its leaves went and what the queue did with them. */
export function formatQueueSummary(placement: Extract<RunPlacement, { kind: 'queue' }>): string {
  const stats = placement.stats();
  const parts = [`${stats.submitted} job${stats.submitted === 1 ? '' : 's'} queued`];
  if (stats.reattached > 0) parts.push(`${stats.reattached} re-attached to jobs already there`);
  parts.push(`${stats.duplicatesDiscarded} duplicate completion${stats.duplicatesDiscarded === 1 ? '' : 's'} discarded`);
  return `leaves ran on the workers of ${placement.url} (queue ${placement.queueName}): ${parts.join(', ')}\n`;
}
