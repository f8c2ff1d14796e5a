import { resolve } from 'node:path';
import type { EngineEnvironment, LeafRunner, ModelGateway } from '../engine/index.js';
import { EMPTY_MOCK_FIXTURE, loadMockFixture, MockLeafRunner, MockModelGateway } from '../leaves/mock/index.js';

/**
 * The live ports replay (`--allow-live`, `--from`) and resume run with until the run command's
 * provider wiring is shared: the deterministic mock leaf runner and gateway, scripted by an
 * optional fixture. Its outputs derive from input hashes, so a resumed mock run equals an
 * uninterrupted one.
 */
export async function createMockLivePorts(
  environment: EngineEnvironment,
  options: { readonly cwd: string; readonly fixturePath?: string },
): Promise<{ leafRunner: LeafRunner; gateway: ModelGateway }> {
  const fixture = options.fixturePath ? await loadMockFixture(resolve(options.cwd, options.fixturePath)) : EMPTY_MOCK_FIXTURE;
  return { leafRunner: new MockLeafRunner(environment, fixture), gateway: new MockModelGateway(environment, fixture) };
}
