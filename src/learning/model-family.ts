/**
 * The family of a model id, for lessons scoped to one: lowercase, without an organisation prefix
 * (`Qwen/…`), a tag (`:7b`, `@latest`) or trailing version and date segments, so
 * `claude-sonnet-4-5` and `claude-sonnet-4-6` are one family and `deepseek-chat` stays itself.
 */
export function modelFamily(model: string): string {
  let family = model.toLowerCase();
  family = family.slice(family.lastIndexOf('/') + 1);
  family = family.replace(/[:@].*$/, '');
  for (let previous = ''; previous !== family; ) {
    previous = family;
    family = family.replace(/[-_.]\d+(?:\.\d+)*$/, '').replace(/[-_]\d{8}$/, '');
  }
  return family || model.toLowerCase();
}
