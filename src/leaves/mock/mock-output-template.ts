/** What a templated mock output can name about the leaf it answers. */
export interface TemplateLeaf {
  readonly id: string;
  readonly prompt: string;
}

/**
 * A rule's `output`, compiled once: `{id}` (the leaf's id), `{prompt}` (its prompt) and
 * `{index}` (the number its id ends with: `leaf-42` → `42`) are filled in per leaf, so one rule
 * scripts a whole fan-out. Doubled braces (`{{id}}`) write a placeholder literally; every other
 * brace is text, so an output of JSON (`{"answer": true}`) needs no escaping.
 */
export class MockOutputTemplate {
  private constructor(
    /** Literal text and placeholders, alternating; undefined when the output has no placeholder. */
    private readonly parts: readonly TemplatePart[] | undefined,
    private readonly text: string,
  ) {}

  static compile(text: string): MockOutputTemplate {
    if (!text.includes('{')) return new MockOutputTemplate(undefined, text);
    const parts: TemplatePart[] = [];
    let literal = '';
    let position = 0;
    for (PLACEHOLDER.lastIndex = 0; ; ) {
      const match = PLACEHOLDER.exec(text);
      if (!match) break;
      literal += text.slice(position, match.index);
      position = match.index + match[0].length;
      if (match[1] !== undefined) {
        literal += `{${match[1]}}`;
        continue;
      }
      if (literal) parts.push(literal);
      literal = '';
      parts.push({ placeholder: match[2] as Placeholder });
    }
    literal += text.slice(position);
    if (parts.length === 0) return new MockOutputTemplate(undefined, literal);
    if (literal) parts.push(literal);
    return new MockOutputTemplate(parts, text);
  }

  /** True when the output varies per leaf. */
  get templated(): boolean {
    return this.parts !== undefined;
  }

  /** The output for this leaf; throws MockTemplateError when `{index}` has no number to take. */
  render(leaf: TemplateLeaf): string {
    if (!this.parts) return this.text;
    let output = '';
    for (const part of this.parts) output += typeof part === 'string' ? part : valueOf(part.placeholder, leaf);
    return output;
  }
}

type Placeholder = 'id' | 'prompt' | 'index';
type TemplatePart = string | { readonly placeholder: Placeholder };

/** `{{name}}` (group 1, an escape) or `{name}` (group 2). */
const PLACEHOLDER = /\{\{(id|prompt|index)\}\}|\{(id|prompt|index)\}/g;
const TRAILING_NUMBER = /(\d+)$/;

function valueOf(placeholder: Placeholder, leaf: TemplateLeaf): string {
  switch (placeholder) {
    case 'id':
      return leaf.id;
    case 'prompt':
      return leaf.prompt;
    case 'index': {
      const number = TRAILING_NUMBER.exec(leaf.id)?.[1];
      if (number === undefined) throw new MockTemplateError(`the mock fixture's output uses {index}, but leaf id "${leaf.id}" does not end with a number`);
      return number.replace(/^0+(?=\d)/, '');
    }
  }
}

/** A template that cannot be filled for this leaf: the leaf fails with this message (a fixture mistake, not a crash). */
export class MockTemplateError extends Error {
  override readonly name = 'MockTemplateError';
}
