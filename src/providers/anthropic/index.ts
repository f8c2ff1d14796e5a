export { AnthropicClient, type AnthropicClientOptions } from './anthropic-client.js';
