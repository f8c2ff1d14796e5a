// A deterministic, offline leaf runner and model gateway, scripted by a YAML fixture.
export { MockLeafRunner, defaultOutput } from './mock-leaf-runner.js';
export { MockModelGateway, type MockGatewayOptions } from './mock-model-gateway.js';
export { parseMockFixture, loadMockFixture } from './parse-mock-fixture.js';
export { mockFixtureSchema, EMPTY_MOCK_FIXTURE, type MockFixture, type MockLeafRule, type MockJudgeRule, type MockExpandRule, type MockReduceRule } from './mock-fixture-schema.js';
export { defaultExpansion } from './default-expansion.js';
