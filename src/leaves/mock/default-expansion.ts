/**
 * The mock planner's default reply: max_children copies of the template, every id (and every
 * reference between the copied nodes) suffixed so the copies are unique and avoid taken ids.
 */
export function defaultExpansion(nodeId: string, prompt: string): unknown[] {
  const count = Number(/Produce at most (\d+) node/.exec(prompt)?.[1] ?? '1');
  const templateText = /following this template:\n(.*)\n\nIds already taken:/s.exec(prompt)?.[1] ?? '';
  const taken = new Set((/Ids already taken: (.*)$/s.exec(prompt)?.[1] ?? '').split(', '));
  const template: unknown = templateText.startsWith('{') ? JSON.parse(templateText) : { kind: 'leaf', spec: { id: `${nodeId}_item`, prompt: `expanded item of ${nodeId}` } };
  const copies: unknown[] = [];
  for (let index = 1; copies.length < count; index += 1) {
    const suffix = `_${index}`;
    const ids = collectIds(template);
    if (ids.some((id) => taken.has(`${id}${suffix}`))) continue;
    copies.push(renameIds(template, new Map(ids.map((id) => [id, `${id}${suffix}`]))));
  }
  return copies;
}

function collectIds(value: unknown): string[] {
  const ids: string[] = [];
  const visit = (item: unknown): void => {
    if (Array.isArray(item)) item.forEach(visit);
    else if (item && typeof item === 'object') {
      const record = item as Record<string, unknown>;
      const spec = record.spec as Record<string, unknown> | undefined;
      if (typeof record.kind === 'string' && spec && typeof spec.id === 'string') ids.push(spec.id);
      Object.values(record).forEach(visit);
    }
  };
  visit(value);
  return ids;
}

const REFERENCE_FIELDS = new Set(['id', 'depends_on_results', 'inputs', 'candidates', 'tests_pass']);

function renameIds(value: unknown, names: ReadonlyMap<string, string>, field?: string): unknown {
  if (typeof value === 'string') return field && REFERENCE_FIELDS.has(field) ? (names.get(value) ?? value) : value;
  if (Array.isArray(value)) return value.map((item) => renameIds(item, names, field));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renameIds(item, names, key)]));
  }
  return value;
}
