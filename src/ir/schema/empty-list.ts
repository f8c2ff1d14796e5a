/**
 * The one empty list every defaulted list field of a parsed spec shares. A 100,000-leaf spec
 * would otherwise hold half a million separate empty arrays. Frozen, so code that tried to
 * push onto a parsed spec would fail loudly instead of changing every node at once.
 */
export const EMPTY_LIST: string[] = Object.freeze([]) as unknown as string[];
