import { embeddedDefaultConfig, parseRouteScope, routeScope, routeScopeChanges, type ConfiguredRoute, type JanitorConfig, type RouteScope, type WhaleflowConfig } from '../config/index.js';
import type { MemoInventoryEntry } from '../memo/index.js';
import type { MemoChange } from './janitor-plan.js';

const MIB = 1024 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A route's scope as runs would compute it now: the user's configuration, or the embedded one for
 * the mock routes `--provider mock-model` uses when the configuration does not define them.
 */
export function currentRouteScopes(config: WhaleflowConfig): (route: ConfiguredRoute) => RouteScope | undefined {
  return (route) => routeScope(config, route) ?? (config.providers.has(route.provider) ? undefined : routeScope(embeddedDefaultConfig, route));
}

/** Why an entry is stale now, or undefined when it still holds. An entry already marked keeps its mark. */
function staleReason(entry: MemoInventoryEntry, scopeNow: (route: ConfiguredRoute) => RouteScope | undefined, settings: JanitorConfig['memo'], now: number): string | undefined {
  const route = { provider: entry.provider, model: entry.model };
  const current = scopeNow(route);
  const recorded = parseRouteScope(entry.scope);
  const changes = recorded ? routeScopeChanges(recorded, current) : current === undefined ? [`${entry.provider}/${entry.model} is no longer configured`] : [];
  if (changes.length > 0) return changes.join('; ');
  if (settings.maxAgeDays > 0 && entry.createdAtMs < now - settings.maxAgeDays * DAY_MS) return `older than ${settings.maxAgeDays} day(s) (memo.max_age_days)`;
  return undefined;
}

/**
 * Stale invalidation and capacity of the memo. Entries whose scope changed (model revision,
 * endpoint, provider settings, route no longer configured) or that passed the age limit are
 * marked stale; over capacity (entries or bytes), stale entries go first, then the least
 * recently used (lru) or least often used (lfu).
 */
export function planMemo(
  entries: readonly MemoInventoryEntry[],
  settings: JanitorConfig['memo'],
  scopeNow: (route: ConfiguredRoute) => RouteScope | undefined,
  now: number,
): { readonly stale: MemoChange[]; readonly evict: MemoChange[] } {
  const stale: MemoChange[] = [];
  const staleKeys = new Set<string>();
  for (const entry of entries) {
    if (entry.staleReason !== null) {
      staleKeys.add(entry.key);
      continue;
    }
    const reason = staleReason(entry, scopeNow, settings, now);
    if (reason === undefined) continue;
    stale.push({ key: entry.key, bytes: entry.bytes, reason });
    staleKeys.add(entry.key);
  }
  return { stale, evict: overCapacity(entries, staleKeys, settings) };
}

function overCapacity(entries: readonly MemoInventoryEntry[], staleKeys: ReadonlySet<string>, settings: JanitorConfig['memo']): MemoChange[] {
  let count = entries.length;
  let bytes = entries.reduce((sum, entry) => sum + entry.bytes, 0);
  const maxBytes = settings.maxMb * MIB;
  const over = (): boolean => (settings.maxEntries > 0 && count > settings.maxEntries) || (settings.maxMb > 0 && bytes > maxBytes);
  if (!over()) return [];
  const lastUse = (entry: MemoInventoryEntry): number => entry.lastUsedAtMs ?? entry.createdAtMs;
  const byUse =
    settings.eviction === 'lru'
      ? (left: MemoInventoryEntry, right: MemoInventoryEntry) => lastUse(left) - lastUse(right) || left.hits - right.hits
      : (left: MemoInventoryEntry, right: MemoInventoryEntry) => left.hits - right.hits || lastUse(left) - lastUse(right);
  const ordered = [...entries].sort((left, right) => {
    const staleFirst = Number(staleKeys.has(right.key)) - Number(staleKeys.has(left.key));
    return staleFirst || byUse(left, right) || (left.key < right.key ? -1 : 1);
  });
  const limits = `memo over capacity (memo.max_entries ${settings.maxEntries || 'none'}, memo.max_mb ${settings.maxMb || 'none'})`;
  const evict: MemoChange[] = [];
  for (const entry of ordered) {
    if (!over()) break;
    const why = staleKeys.has(entry.key) ? 'stale' : settings.eviction === 'lru' ? 'least recently used' : 'least often used';
    evict.push({ key: entry.key, bytes: entry.bytes, reason: `${limits}: ${why}` });
    count -= 1;
    bytes -= entry.bytes;
  }
  return evict;
}
