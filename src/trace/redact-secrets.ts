/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

/** Names of environment variables whose values are secrets. */
const SECRET_ENV_NAME = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL/i;

/**
 * Shapes of well-known credentials: OpenAI/Anthropic/DeepSeek `sk-…`, GitHub `ghp_…`/`github_pat_…`,
 * AWS access key ids, Slack tokens, Google API keys, bearer headers.
 */
const SECRET_PATTERN =
  /\b(?:sk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|AKIA[0-9A-Z]{16}|xox[abprs]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35})\b|\bBearer\s+[A-Za-z0-9._~+/-]{16,}=*/g;

/** Object properties whose string values are credentials (but not `key`, an effect key, nor `input_tokens`). */
const SECRET_PROPERTY = /^(?:api[_-]?key|apikey|secret|client[_-]?secret|password|passwd|access[_-]?token|auth[_-]?token|refresh[_-]?token|authorization|x-api-key)$/i;

/** Cheap pre-checks: the fixed parts of SECRET_PATTERN and of the secret property names. */
const SECRET_HINT = /sk-|gh[pousr]_|github_pat_|AKIA|xox[abprs]-|AIza|Bearer/;
// `[\w-]` before "key" skips the effect key property ("key"), present in half of all events.
const PROPERTY_HINT = /[\w-][kK][eE][yY]"|[sS][eE][cC][rR][eE][tT]|[pP][aA][sS][sS][wW]|[tT][oO][kK][eE][nN]"|[aA][uU][tT][hH][oO][rR][iI][zZ]/;

/** A secret-named property with a non-empty string value, as it appears in JSON. */
const SECRET_PROPERTY_IN_JSON =
  /"(?:api[_-]?key|apikey|secret|client[_-]?secret|password|passwd|access[_-]?token|auth[_-]?token|refresh[_-]?token|authorization|x-api-key)":"[^"]/i;

/** Values shorter than this are not treated as secrets: `KEY=1` would redact every "1". */
const MIN_SECRET_LENGTH = 8;

/**
 * Removes secrets from values before they are stored or exported: credential-shaped strings,
 * the values of secret-named environment variables wherever they appear, and string values
 * of secret-named properties. Returns the same object when nothing changed (the common,
 * fast case), a redacted copy otherwise; never mutates its input.
 */
export class SecretRedactor {
  private readonly secretValues: readonly string[];

  constructor(env: NodeJS.ProcessEnv = process.env, extraSecrets: readonly string[] = []) {
    const fromEnv = Object.entries(env)
      .filter(([name, value]) => SECRET_ENV_NAME.test(name) && typeof value === 'string' && value.length >= MIN_SECRET_LENGTH)
      .map(([, value]) => value as string);
    // Longest first, so a secret that contains another is replaced whole.
    this.secretValues = [...new Set([...fromEnv, ...extraSecrets.filter((value) => value.length >= MIN_SECRET_LENGTH)])].sort(
      (left, right) => right.length - left.length,
    );
  }

  redactString(text: string): string {
    let result = text;
    for (const secret of this.secretValues) {
      if (result.includes(secret)) result = result.split(secret).join(REDACTED);
    }
    SECRET_PATTERN.lastIndex = 0;
    if (SECRET_PATTERN.test(result)) {
      SECRET_PATTERN.lastIndex = 0;
      result = result.replace(SECRET_PATTERN, REDACTED);
    }
    return result;
  }

  redact<T>(value: T): T {
    return this.redactValue(value) as T;
  }

  /**
   * Whether a value's JSON could hold a secret: one scan of the text instead of a walk of the
   * object. The common case (nothing secret) costs a few regex passes over a string that the
   * store serializes anyway.
   */
  mayContainSecret(json: string): boolean {
    for (const secret of this.secretValues) if (json.includes(secret)) return true;
    if (SECRET_HINT.test(json)) {
      SECRET_PATTERN.lastIndex = 0;
      if (SECRET_PATTERN.test(json)) return true;
    }
    return PROPERTY_HINT.test(json) && SECRET_PROPERTY_IN_JSON.test(json);
  }

  private redactValue(value: unknown): unknown {
    if (typeof value === 'string') return this.redactString(value);
    if (Array.isArray(value)) {
      let changed = false;
      const copy = value.map((item) => {
        const redacted = this.redactValue(item);
        if (redacted !== item) changed = true;
        return redacted;
      });
      return changed ? copy : value;
    }
    if (typeof value === 'object' && value !== null) {
      let copy: Record<string, unknown> | undefined;
      for (const [name, item] of Object.entries(value)) {
        const redacted = typeof item === 'string' && SECRET_PROPERTY.test(name) && item.length > 0 ? REDACTED : this.redactValue(item);
        if (redacted !== item) {
          copy ??= { ...(value as Record<string, unknown>) };
          copy[name] = redacted;
        }
      }
      return copy ?? value;
    }
    return value;
  }
}
