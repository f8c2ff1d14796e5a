import { z } from 'zod';
import { EMPTY_LIST } from './empty-list.js';
import { lazySchema, once } from '../../util/lazy-schema.js';

/** Built on first use (util/lazy-schema.ts). */
export const permissionSchemas = once(() => {
  const PermissionSpecSchema = z.object({
    allow_write: z.boolean().default(false),
    allow_network: z.boolean().default(false),
    allowed_tools: z.array(z.string()).default(EMPTY_LIST),
    file_scope: z.array(z.string()).default(EMPTY_LIST),
  });
  return { PermissionSpecSchema, permissionSpecField: PermissionSpecSchema.prefault(() => ({})) };
});

/**
 * What a node may do. Defaults mean "not declared": a node that leaves a field at its default
 * inherits the ancestor's (or the user's grant); see validate's permission-narrowing rule.
 */
export const PermissionSpecSchema = lazySchema(() => permissionSchemas().PermissionSpecSchema);

export type PermissionSpec = z.infer<typeof PermissionSpecSchema>;

export const permissionSpecField = lazySchema(() => permissionSchemas().permissionSpecField);

/**
 * What the common spec reader (read-common-spec.ts) gives every node whose document has no
 * `permissions` object: one frozen object, shared. Validation knows by identity that such a node
 * declares none of the fields — no document path to build and walk per node.
 */
export const UNDECLARED_PERMISSIONS: PermissionSpec = Object.freeze({ allow_write: false, allow_network: false, allowed_tools: EMPTY_LIST, file_scope: EMPTY_LIST });
