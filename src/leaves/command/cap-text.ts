/**
 * Keeps the head and the tail of a long text (where a command's command line and its verdict
 * usually are) and says how much was left out, so a capped output is never silently cut.
 */
export function capText(text: string, maxChars: number): { text: string; truncated: boolean } {
  if (text.length <= maxChars) return { text, truncated: false };
  const half = Math.max(1, Math.floor(maxChars / 2));
  const omitted = text.length - 2 * half;
  return { text: `${text.slice(0, half)}\n[… ${omitted} characters omitted …]\n${text.slice(-half)}`, truncated: true };
}
