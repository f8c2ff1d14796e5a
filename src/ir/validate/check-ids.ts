import type { NodeRule, ValidationContext } from './validation-context.js';

/** Ids are non-blank and unique across the whole spec, nested nodes included. */
export function checkIds(context: ValidationContext): NodeRule {
  const reserved = context.options.reservedIds;
  return {
    visit(location) {
      const id = location.node.spec.id;
      // Paths are built only for a diagnostic: reading location.path materialises it.
      if (id.trim() === '') {
        context.report('blank-id', 'node id must not be blank', { path: [...location.path, 'spec', 'id'], field: 'id' });
        return;
      }
      // byId holds each id's first location: any other location with that id repeats it.
      if (reserved?.has(id) || (context.repeatsIds && context.byId.get(id) !== location)) {
        context.report('duplicate-id', `duplicate node id "${id}"`, { path: [...location.path, 'spec', 'id'], nodeId: id, field: 'id' });
      }
    },
  };
}
