import { starterConfigText } from '../../config/index.js';

/** The starter configuration with external memory switched on, for tests that run workflows with memory. */
export function memoryEnabledConfig(): string {
  return starterConfigText.replace(/^memory:\n {2}enabled: false/m, 'memory:\n  enabled: true');
}
