import { Command } from 'commander';
import {
  loadConfig,
  resolveRoute,
  RouteResolutionError,
  workflowRoles,
  defaultRoleName,
  type ProviderConfig,
  type WhaleflowConfig,
} from '../../config/index.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';

type KeyStatus = 'present' | 'missing' | 'not needed';

/** Only whether the variable is set; its value is never read into output. */
function keyStatus(provider: ProviderConfig, env: NodeJS.ProcessEnv): KeyStatus {
  if (!provider.apiKeyEnv) return 'not needed';
  return env[provider.apiKeyEnv] ? 'present' : 'missing';
}

function rolesToShow(config: WhaleflowConfig): string[] {
  const extra = [...config.roles.keys()].filter((role) => role !== defaultRoleName && !(workflowRoles as readonly string[]).includes(role));
  return [...workflowRoles, ...extra.sort()];
}

export function providersCommand(context: CliContext): Command {
  return new Command('providers')
    .description('List where each role routes and whether each provider has its API key in the environment')
    .addHelpText('after', '\nExamples:\n  $ whaleflow providers\n  $ DEEPSEEK_API_KEY=… whaleflow providers\n\nExit status: 0 every routed provider is usable, 1 a key is missing or a role has no route.')
    .action(() => {
      const config = loadConfig({ cwd: context.cwd, env: context.env });
      context.stdout(`config: ${config.sourceFile ?? 'embedded defaults (no config file; everything routes to the mock)'}\n\nproviders:\n`);
      for (const provider of config.providers.values()) {
        const key = provider.apiKeyEnv ? `${provider.apiKeyEnv} ${keyStatus(provider, context.env)}` : 'no key needed';
        context.stdout(`  ${provider.id.padEnd(16)} ${provider.kind.padEnd(18)} ${(provider.baseUrl ?? '').padEnd(32)} ${key}\n`);
      }
      context.stdout('\nroles:\n');
      let problems = 0;
      for (const role of rolesToShow(config)) {
        try {
          const route = resolveRoute(config, { role });
          const provider = config.providers.get(route.provider);
          const missingKey = provider !== undefined && keyStatus(provider, context.env) === 'missing';
          if (missingKey) problems += 1;
          const note = missingKey ? `  (key ${provider?.apiKeyEnv} missing)` : '';
          context.stdout(`  ${role.padEnd(12)} → ${route.provider}/${route.model}  [${route.reason}]${note}\n`);
        } catch (error) {
          if (!(error instanceof RouteResolutionError)) throw error;
          problems += 1;
          context.stdout(`  ${role.padEnd(12)} → none: ${error.message}\n`);
        }
      }
      context.exitCode = problems > 0 ? ExitCode.failure : ExitCode.ok;
    });
}
