import jsYaml from 'js-yaml';

/**
 * What js-yaml's core schema reads from a text, or that it refuses it: the reference the fast
 * fixture readers (read-plain-block-yaml, read-leaf-rule-run) are held to in their tests.
 */
export function readCoreYaml(text: string): { value: unknown } | { error: true } {
  try {
    return { value: jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA }) };
  } catch {
    return { error: true };
  }
}
