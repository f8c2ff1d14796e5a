import type { ValidationContext } from './validation-context.js';

/** Ids are non-blank and unique across the whole spec, nested nodes included. */
export function checkIds(context: ValidationContext): void {
  const seen = new Set<string>(context.options.reservedIds ?? []);
  for (const { node, path } of context.locations) {
    const id = node.spec.id;
    const idPath = [...path, 'spec', 'id'];
    if (id.trim() === '') {
      context.report('blank-id', 'node id must not be blank', { path: idPath, field: 'id' });
      continue;
    }
    if (seen.has(id)) {
      context.report('duplicate-id', `duplicate node id "${id}"`, { path: idPath, nodeId: id, field: 'id' });
    }
    seen.add(id);
  }
}
