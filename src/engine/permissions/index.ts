export { DEFAULT_PERMISSION_GRANT, grantFromFlags, type PermissionGrant, type GrantFlags } from './permission-grant.js';
export {
  planLeafPermissions,
  inheritPermissions,
  rootPermissions,
  expansionPermissions,
  declaredCommands,
  commandRefusal,
  writesOf,
  ROOT_PERMISSIONS,
  type InheritedPermissions,
  type PermissionRefusal,
  type LeafPermissionPlan,
} from './effective-permissions.js';
export { preflightPermissions, PermissionRefusedError, type PermissionPreflight } from './preflight-permissions.js';
