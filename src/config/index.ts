export type {
  WhaleflowConfig,
  ProviderConfig,
  ProviderKind,
  ModelConfig,
  RolePolicy,
  ConfiguredRoute,
  MemoConfig,
  CrossRunReuse,
  QueueConfig,
  LearningConfig,
  OverlayConfig,
  MemoryConfig,
  JanitorConfig,
} from './whaleflow-config.js';
export { findModel, pricesByRoute, DEFAULT_QUEUE_CONFIG, defaultLearningConfig, defaultOverlayConfig, DEFAULT_MEMORY_CONFIG, DEFAULT_JANITOR_CONFIG, DEFAULT_WORKTREES_CONFIG, type WorktreesConfig } from './whaleflow-config.js';
export type { ModelPrices } from './model-prices.js';
export { capabilityNames, hasCapability, type CapabilityName, type ModelCapabilities } from './model-capabilities.js';
export { workflowRoles, defaultRoleName, roleForAgentType, type WorkflowRole } from './workflow-roles.js';
export { configFileSchema, type ConfigFile } from './config-file-schema.js';
export { embeddedDefaultConfig, mockProviderId, mockModelId } from './embedded-default-config.js';
export { parseConfigText } from './parse-config.js';
export { loadConfig, locateConfigFile, userConfigDirectory, projectConfigFileName, ConfigNotFoundError, type ConfigLocationInput } from './load-config.js';
export {
  resolveRoute,
  type RouteQuery,
  type RouteReason,
  type ResolvedRoute,
  type WorkflowModelPolicy,
} from './resolve-route.js';
export { RouteResolutionError, type RejectedRoute } from './route-resolution-error.js';
export { starterConfigText } from './starter-config.js';
export { projectDatabasePath } from './project-database-path.js';
export { routeScope, routeScopeText, parseRouteScope, routeScopeChanges, type RouteScope } from './route-scope.js';
