export { MockModelClient, type MockModelClientOptions, type MockCall } from './mock-model-client.js';
export {
  mockScriptSchema,
  mockScriptSchemas,
  regexSourceSchema,
  mockRuleSchema,
  mockMatchSchema,
  mockFailureSchema,
  mockToolCallSchema,
  mockUsageSchema,
  leafMarker,
  type MockScript,
  type MockScriptInput,
  type MockRule,
  type MockFailure,
} from './mock-script.js';
