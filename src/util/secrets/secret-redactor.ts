import { secretVariables, secretVariablesVersion } from './secret-names.js';

/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

/** Values shorter than this are not treated as secrets: `SOME_KEY=1` would redact every "1". */
export const MIN_SECRET_LENGTH = 8;

/**
 * Removes known secrets from anything WhaleFlow writes down or prints: trace events and blobs,
 * memo entries, logs, terminal output, exports, reports.
 *
 * The rule: a secret is a value WhaleFlow knows to be one — the value of an environment variable
 * on the shared secret-name list (KEY, TOKEN, SECRET, PASSWORD, …) or named by the configuration's
 * `api_key_env`, at least MIN_SECRET_LENGTH characters long. Each is replaced exactly, wherever it
 * appears, in its raw form and in the forms it takes inside stored text: JSON-escaped (a value
 * with `"`, `\` or a newline, also inside JSON that is itself a string), URL-encoded, and each
 * line of a multi-line value. Nothing is redacted for merely looking like a credential: such
 * guesses changed workflow text that replay and resume depend on, and missed every real key
 * that did not match a vendor's shape.
 *
 * The set of secrets is read from the environment on first use and again whenever a variable is
 * registered (the configuration was loaded), so one redactor serves a whole process.
 */
export class SecretRedactor {
  private compiledFor = -1;
  private forms: readonly string[] = [];
  private textPattern: RegExp | undefined;
  private bytePattern: RegExp | undefined;

  constructor(
    private readonly env: NodeJS.ProcessEnv = process.env,
    /** Further secret values (tests, a key read from elsewhere). */
    private readonly extraValues: readonly string[] = [],
  ) {}

  /** Whether there is anything to redact at all. */
  get hasSecrets(): boolean {
    this.compile();
    return this.forms.length > 0;
  }

  /** Whether `text` (any text: JSON, a log line) contains a secret in any of its forms: one pass. */
  mayContainSecret(text: string): boolean {
    const pattern = this.compile();
    if (!pattern) return false;
    pattern.lastIndex = 0;
    return pattern.test(text);
  }

  redactString(text: string): string {
    const pattern = this.compile();
    if (!pattern) return text;
    pattern.lastIndex = 0;
    if (!pattern.test(text)) return text;
    pattern.lastIndex = 0;
    return text.replace(pattern, replacement);
  }

  /** Byte content (a binary blob, a log file): the UTF-8 bytes of every form are replaced. */
  redactBytes(bytes: Uint8Array): Uint8Array {
    this.compile();
    const pattern = this.bytePattern;
    if (!pattern) return bytes;
    // latin1 maps each byte to one character and back, so the search runs on bytes.
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    pattern.lastIndex = 0;
    if (!pattern.test(text)) return bytes;
    pattern.lastIndex = 0;
    return Buffer.from(text.replace(pattern, replacement), 'latin1');
  }

  /**
   * Every string inside a JSON-like value, redacted. Returns the same object when nothing
   * changed (the common, fast case), a redacted copy otherwise; never mutates its input.
   */
  redact<T>(value: T): T {
    if (!this.compile()) return value;
    return this.redactValue(value) as T;
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
        const redacted = this.redactValue(item);
        if (redacted !== item) {
          copy ??= { ...(value as Record<string, unknown>) };
          copy[name] = redacted;
        }
      }
      return copy ?? value;
    }
    return value;
  }

  private compile(): RegExp | undefined {
    const version = secretVariablesVersion();
    if (version === this.compiledFor) return this.textPattern;
    this.compiledFor = version;
    this.forms = secretForms([...Object.values(secretVariables(this.env)), ...this.extraValues]);
    this.textPattern = alternation(this.forms);
    this.bytePattern = alternation(this.forms.map((form) => Buffer.from(form, 'utf8').toString('latin1')));
    return this.textPattern;
  }
}

/**
 * `[REDACTED]`, followed by the line breaks the secret spanned: a multi-line secret (a PEM key)
 * leaves the text with as many lines, so line numbers in logs, memory contexts and diffs stay true.
 */
function replacement(match: string): string {
  const breaks = match.split('\n').length - 1;
  return breaks === 0 ? REDACTED : REDACTED + '\n'.repeat(breaks);
}

/** Each secret as it can appear in stored text, longest first so a form containing another is replaced whole. */
export function secretForms(values: readonly string[]): string[] {
  const forms = new Set<string>();
  const add = (form: string): void => {
    if (form.length >= MIN_SECRET_LENGTH) forms.add(form);
  };
  for (const value of values) {
    if (value.length < MIN_SECRET_LENGTH) continue;
    for (const whole of [value, ...value.split(/\r?\n/)]) {
      add(whole);
      const escaped = jsonEscaped(whole);
      add(escaped);
      add(jsonEscaped(escaped));
      add(encodeURIComponent(whole));
    }
  }
  return [...forms].sort((left, right) => right.length - left.length);
}

function jsonEscaped(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

function alternation(forms: readonly string[]): RegExp | undefined {
  if (forms.length === 0) return undefined;
  return new RegExp(forms.map((form) => form.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')).join('|'), 'g');
}
