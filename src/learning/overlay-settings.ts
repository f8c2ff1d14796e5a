import { resolveRoute, type WhaleflowConfig } from '../config/index.js';
import type { OverlaySettings } from './apply-overlay.js';
import type { AuthorityContext } from './lesson-authority.js';
import { modelFamily } from './model-family.js';

/** What the overlay may use from the user's configuration. */
export function overlaySettingsOf(config: WhaleflowConfig): OverlaySettings {
  return {
    advisoryMaxChars: config.overlay.advisoryMaxChars,
    testCommands: config.learning.testCommands,
    crossRun: config.memo.crossRun,
    configuredRoutes: configuredRoutesOf(config),
    modelFamilyFor: (role) => {
      try {
        return modelFamily(resolveRoute(config, { role }).model);
      } catch {
        return null;
      }
    },
  };
}

/** `provider/model` routes configured for a role (its own entry, else `default`). */
export function configuredRoutesOf(config: WhaleflowConfig): (role: string) => readonly string[] {
  return (role) => {
    const policy = config.roles.get(role) ?? config.roles.get('default');
    if (!policy) return [];
    return [policy.primary, ...policy.fallbacks].map((route) => `${route.provider}/${route.model}`);
  };
}

/** The authority context a lesson is checked against in this repository and configuration. */
export function authorityContextOf(config: WhaleflowConfig, repository: string, declaredCommands: Iterable<string>): AuthorityContext {
  return {
    repository,
    declaredCommands: new Set([...declaredCommands, ...config.learning.testCommands].map((command) => command.trim())),
    configuredRoutes: configuredRoutesOf(config),
    crossRun: config.memo.crossRun,
  };
}
