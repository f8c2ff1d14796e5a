/**
 * Reads how long a provider asked us to wait. `retry-after-ms` (sent by some OpenAI-compatible
 * servers) is more precise than `retry-after`, which is either seconds or an HTTP date.
 */
export function parseRetryAfterMs(
  getHeader: (name: string) => string | null | undefined,
  now: () => number = Date.now,
): number | undefined {
  const milliseconds = getHeader('retry-after-ms');
  if (milliseconds && /^\d+(\.\d+)?$/.test(milliseconds.trim())) return Math.round(Number(milliseconds));
  const value = getHeader('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now());
}
