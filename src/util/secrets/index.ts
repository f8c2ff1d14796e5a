export { isSecretName, registerSecretVariable, secretVariables, secretVariablesVersion } from './secret-names.js';
export { SecretRedactor, REDACTED, MIN_SECRET_LENGTH, secretForms } from './secret-redactor.js';
