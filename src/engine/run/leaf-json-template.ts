import type { LeafSpec } from '../../ir/index.js';

/**
 * The JSON of one leaf with its id and prompt left out, for writing the JSON of the leaves like
 * it without serializing them: in a wide fan-out every leaf has the same fields, and all but its
 * id and prompt hold the same values (a parsed spec shares one default object among the leaves
 * that leave a field unset). V8 11's JSON.stringify pays per property and for every string it
 * writes; a leaf like the template costs two short strings instead of ~22 properties.
 *
 * A leaf is like the template when its own enumerable keys are the template's, in order, id and
 * prompt first and both strings, and every other value is the template's (`===`: the same
 * object, or an equal string, number or boolean). Its JSON is then exactly
 * `JSON.stringify(leaf)`, given what a parsed spec holds: plain data, whose JSON does not change
 * from one call to the next (no getters, no toJSON; a leaf or value with a toJSON makes no
 * template).
 */
export class LeafJsonTemplate {
  private constructor(
    private readonly keys: readonly string[],
    private readonly values: readonly unknown[],
    /** The leaf's JSON after its prompt: `,"agent_type":…}`. */
    private readonly tail: string,
    /** The JSON of the leaf the template was made from. */
    readonly json: string,
  ) {}

  /** A template made from this leaf (which serializes it once), or undefined when the leaf's JSON cannot be templated. */
  static of(leaf: LeafSpec): LeafJsonTemplate | undefined {
    if ('toJSON' in leaf) return undefined;
    const keys = Object.keys(leaf);
    if (keys[0] !== 'id' || keys[1] !== 'prompt' || typeof leaf.id !== 'string' || typeof leaf.prompt !== 'string') return undefined;
    const values = keys.map((key) => (leaf as unknown as Record<string, unknown>)[key]);
    if (values.some((value) => typeof value === 'object' && value !== null && 'toJSON' in value)) return undefined;
    const json = JSON.stringify(leaf);
    const head = headOf(leaf.id, leaf.prompt);
    if (!json.startsWith(head)) return undefined;
    return new LeafJsonTemplate(keys, values, json.slice(head.length), json);
  }

  /** `JSON.stringify(leaf)` for a leaf like the template, else undefined. */
  jsonOf(leaf: LeafSpec): string | undefined {
    const { keys, values } = this;
    const fields = leaf as unknown as Record<string, unknown>;
    let index = 0;
    for (const key in fields) {
      if (key !== keys[index] || (index > 1 && fields[key] !== values[index])) return undefined;
      index += 1;
    }
    if (index !== keys.length || typeof leaf.id !== 'string' || typeof leaf.prompt !== 'string') return undefined;
    return headOf(leaf.id, leaf.prompt) + this.tail;
  }
}

function headOf(id: string, prompt: string): string {
  return `{"id":${JSON.stringify(id)},"prompt":${JSON.stringify(prompt)}`;
}
