// Redaction lives in util/secrets (the memo, the CLI and the command environment use it too);
// re-exported here, where the trace's callers have always found it.
export { SecretRedactor, REDACTED } from '../util/index.js';
