import type { ValidationContext } from './validation-context.js';

/** Ids are non-blank and unique across the whole spec, nested nodes included. */
export function checkIds(context: ValidationContext): void {
  const seen = new Set<string>(context.options.reservedIds ?? []);
  for (const location of context.locations) {
    const id = location.node.spec.id;
    // Paths are built only for a diagnostic: reading location.path materialises it.
    if (id.trim() === '') {
      context.report('blank-id', 'node id must not be blank', { path: [...location.path, 'spec', 'id'], field: 'id' });
      continue;
    }
    if (seen.has(id)) {
      context.report('duplicate-id', `duplicate node id "${id}"`, { path: [...location.path, 'spec', 'id'], nodeId: id, field: 'id' });
    }
    seen.add(id);
  }
}
