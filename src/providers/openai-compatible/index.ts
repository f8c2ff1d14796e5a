export { OpenAiCompatibleClient, type OpenAiCompatibleClientOptions } from './openai-compatible-client.js';
