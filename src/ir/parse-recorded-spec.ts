import type { LeafSpec, NodeSpec } from './schema/node-spec.js';
import type { WorkflowSpec } from './schema/workflow-spec.js';
import { parseOtherNode, parseWorkflowSpec, type ParseResult } from './parse-workflow-spec.js';
import { readCommonSpec, readLeafSpec } from './read-common-spec.js';

/**
 * A spec's JSON text as a run recorded it (its canonical JSON), read into the spec
 * `parseWorkflowSpec(JSON.parse(text))` gives — the same values, key order and shared defaults —
 * and with the same result when it does not parse. A replay reads the 4 MB text of a
 * 10,000-leaf run once per replay, and most of that text is leaves alike but for their id and
 * prompt: JSON.parse built ~8 objects per leaf for the reader to read and drop.
 *
 * Here each leaf node like the last one read in full (see LeafTemplate) is made from that one's
 * spec with its own id and prompt, and stands in the text as a number; the rest of the text
 * (the containers, and any leaf not like a template) is parsed and read as before, and the
 * reader takes the stand-ins in order (LeavesReadAhead). Anything unsure — a leaf that makes no
 * template, a number the text held itself, a stand-in somewhere the reader does not take it —
 * falls back to the whole text through JSON.parse (whose SyntaxError it throws) and
 * parseWorkflowSpec, which words any other error.
 */
export function parseRecordedSpec(text: string): RecordedSpecRead {
  const read = readLeavesAhead(text);
  if (read) return read;
  // Not JSON: JSON.parse's SyntaxError, as the caller would have met it.
  const parsed = parseWorkflowSpec(JSON.parse(text));
  return parsed.ok ? { ...parsed, canonical: false } : parsed;
}

/**
 * What parseRecordedSpec read. `canonical`: the text was shown to be exactly
 * `JSON.stringify(spec)` (a validated spec's canonical text), so a run of this spec may record
 * the text it has instead of writing it again; false when that was not shown (not that it is not).
 */
export type RecordedSpecRead = { readonly ok: true; readonly spec: WorkflowSpec; readonly canonical: boolean } | Extract<ParseResult, { readonly ok: false }>;

/** Where a leaf node's text starts, up to its leaf's id: canonical JSON writes a node's kind, then its spec, a leaf's id first. */
const LEAF_NODE_OPENING = '{"kind":"leaf","spec":';
const LEAF_OPENING = `${LEAF_NODE_OPENING}{"id":"`;
/** Templates made per leaf read ahead, at most (plus a few): past it, a spec of unlike leaves is read as before. */
const TEMPLATES_PER_LEAF = 0.25;

function readLeavesAhead(text: string): RecordedSpecRead | undefined {
  const leaves: NodeSpec[] = [];
  const base = standInBase();
  const skeleton: string[] = [];
  let copied = 0;
  let template: LeafTemplate | undefined;
  let templates = 0;
  // Whether every leaf read ahead is its text's JSON.stringify (see LeafTemplate.canonical).
  let leavesCanonical = true;
  for (let at = text.indexOf(LEAF_OPENING); at >= 0; at = text.indexOf(LEAF_OPENING, at + 1)) {
    const specAt = at + LEAF_NODE_OPENING.length;
    let leaf = template?.leafAt(text, specAt);
    if (!leaf && templates <= 4 + leaves.length * TEMPLATES_PER_LEAF) {
      templates += 1;
      template = LeafTemplate.at(text, specAt);
      leaf = template?.leafAt(text, specAt);
    }
    // The node's text ends right after its spec's.
    if (!leaf || text.charCodeAt(template!.end) !== CLOSING_BRACE) continue;
    leavesCanonical &&= template!.canonical;
    skeleton.push(text.slice(copied, at), String(base + leaves.length));
    leaves.push({ kind: 'leaf', spec: leaf });
    copied = template!.end + 1;
    at = template!.end;
  }
  if (leaves.length === 0) return undefined;
  skeleton.push(text.slice(copied));
  const skeletonText = skeleton.join('');
  let raw: unknown;
  try {
    raw = JSON.parse(skeletonText);
  } catch {
    return undefined;
  }
  const spec = readCommonSpec(raw, parseOtherNode, { leaves, base, taken: 0 });
  if (!spec) return undefined;
  return { ok: true, spec, canonical: leavesCanonical && writesSkeleton(spec, leaves, base, skeletonText) };
}

/**
 * Whether `spec` serialized with each leaf read ahead written as its stand-in is `skeleton`: with
 * every leaf's own text its JSON.stringify, the whole text is then the spec's. The replacer meets
 * the containers' fields and the leaf nodes, not the leaves' fields; it stands a leaf in only where
 * the text had it, in the same order.
 */
function writesSkeleton(spec: WorkflowSpec, leaves: readonly NodeSpec[], base: number, skeleton: string): boolean {
  let next = 0;
  const written = JSON.stringify(spec, (_key, value: unknown) => (next < leaves.length && value === leaves[next] ? base + next++ : value));
  return next === leaves.length && written === skeleton;
}

/** The first stand-in's number: at random in [2^51, 2^52), so that 2^40 of them from it are safe integers no text can foresee. */
function standInBase(): number {
  const [high, low] = crypto.getRandomValues(new Uint32Array(2));
  return 2 ** 51 + (high! % 2 ** 18) * 2 ** 32 + low!;
}

const CLOSING_BRACE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * A leaf's JSON text read once in full, for reading the leaves like it: a leaf is like it when
 * its text is `{"id":<a JSON string>,"prompt":<a JSON string>` followed by exactly this one's text
 * after its prompt. Such a text parses to this leaf's raw object with that id and prompt, and the
 * reader reads that as it read this one with that id and prompt, given what makes a template:
 *
 * - the text is the JSON.stringify of what it parses to, so it has each key once (a second
 *   "id" after the prompt would otherwise be the one parsed), id and prompt first, both strings;
 * - the reader reads it for sure, and every value of the spec it gives but the id and prompt is
 *   a primitive or frozen (one of the reader's shared defaults), so the leaves made from it may
 *   share them as the reader's own leaves do. The reader takes a leaf's id and prompt as given.
 */
class LeafTemplate {
  /** Where the last leaf made (leafAt) ends: after its spec's `}`. */
  end = 0;
  /**
   * Whether the last leaf made is exactly its text's JSON.stringify: this one's spec is (checked
   * once), and so are the id's and the prompt's JSON strings (checked per leaf).
   */
  canonical = false;

  /** Whether the spec has exactly the reader's leaf fields, in its order (see leafLike). */
  private readonly readersFields: boolean;

  private constructor(
    private readonly spec: LeafSpec,
    /** The leaf's text after its prompt: `,"agent_type":…}`. */
    private readonly tail: string,
    /** Whether JSON.stringify(spec) is the text this template was made from. */
    private readonly specCanonical: boolean,
  ) {
    this.readersFields = hasReadersLeafFields(spec);
  }

  /** A template from the leaf whose text starts at `start`, or undefined when it makes none. */
  static at(text: string, start: number): LeafTemplate | undefined {
    const end = objectEnd(text, start);
    if (end === undefined) return undefined;
    const own = text.slice(start, end);
    let raw: unknown;
    try {
      raw = JSON.parse(own);
    } catch {
      return undefined;
    }
    if (JSON.stringify(raw) !== own) return undefined;
    const { id, prompt } = raw as { readonly id?: unknown; readonly prompt?: unknown };
    const keys = Object.keys(raw as object);
    if (keys[0] !== 'id' || keys[1] !== 'prompt' || typeof id !== 'string' || typeof prompt !== 'string') return undefined;
    const spec = readLeafSpec(raw);
    if (!spec || !Object.entries(spec).every(([key, value]) => key === 'id' || key === 'prompt' || typeof value !== 'object' || value === null || Object.isFrozen(value))) return undefined;
    const head = `{"id":${JSON.stringify(id)},"prompt":${JSON.stringify(prompt)}`;
    return new LeafTemplate(spec, own.slice(head.length), JSON.stringify(spec) === own);
  }

  /** The leaf whose text starts at `start` (`{"id":"`), if it is like this one (where its text ends: `end`). */
  leafAt(text: string, start: number): LeafSpec | undefined {
    const idQuote = start + ID_OPENING.length - 1;
    const idEnd = stringEnd(text, idQuote);
    if (idEnd < 0 || !textAt(text, idEnd, PROMPT_OPENING)) return undefined;
    const id = stringValue(text, idQuote, idEnd);
    const idCanonical = id !== undefined && writesString(id, text, idQuote, idEnd);
    const promptQuote = idEnd + PROMPT_OPENING.length;
    const promptEnd = stringEnd(text, promptQuote);
    if (promptEnd < 0 || !textAt(text, promptEnd, this.tail)) return undefined;
    const prompt = stringValue(text, promptQuote, promptEnd);
    if (id === undefined || prompt === undefined) return undefined;
    this.end = promptEnd + this.tail.length;
    this.canonical = this.specCanonical && idCanonical && writesString(prompt, text, promptQuote, promptEnd);
    return this.readersFields ? leafLike(this.spec, id, prompt) : { ...this.spec, id, prompt };
  }
}

/** A leaf's fields as the IR reader writes them (readLeaf in read-common-spec.ts): these, in this order, then those of OPTIONAL_LEAF_FIELDS it has. */
const LEAF_FIELDS: readonly string[] = ['id', 'prompt', 'agent_type', 'mode', 'isolation', 'file_scope', 'depends_on_results', 'budget', 'permissions', 'model_policy'];
const OPTIONAL_LEAF_FIELDS: readonly string[] = ['role', 'command', 'expect_exit'];

function hasReadersLeafFields(spec: LeafSpec): boolean {
  const fields = [...LEAF_FIELDS, ...OPTIONAL_LEAF_FIELDS.filter((field) => field in spec)];
  const keys = Object.keys(spec);
  return keys.length === fields.length && keys.every((key, index) => key === fields[index]);
}

/**
 * `{ ...template, id, prompt }`, written as the reader writes a leaf: one literal of its fields in
 * order, the optional ones added after. A spread copy got a hidden class of its own, with six of
 * the ten fields out of the object, so the engine's leaf code met two shapes in a process that
 * runs and replays (and deoptimized on the replay's), and read most fields through one more load.
 */
function leafLike(template: LeafSpec, id: string, prompt: string): LeafSpec {
  const leaf: LeafSpec = {
    id,
    prompt,
    agent_type: template.agent_type,
    mode: template.mode,
    isolation: template.isolation,
    file_scope: template.file_scope,
    depends_on_results: template.depends_on_results,
    budget: template.budget,
    permissions: template.permissions,
    model_policy: template.model_policy,
  };
  if ('role' in template) leaf.role = template.role;
  if ('command' in template) leaf.command = template.command;
  if ('expect_exit' in template) leaf.expect_exit = template.expect_exit;
  return leaf;
}

const ID_OPENING = '{"id":"';
const PROMPT_OPENING = ',"prompt":';

/**
 * Whether `expected` is in `text` at `at`: `text.startsWith(expected, at)`, which V8 11 compared
 * a character at a time (16 ms for a 10,000-leaf spec's tails, against ~1 ms for a slice compared whole).
 */
function textAt(text: string, at: number, expected: string): boolean {
  return text.slice(at, at + expected.length) === expected;
}

/** Whether the string stringEnd last found has an escape in it. */
let escaped = false;

/**
 * Where the JSON string whose opening quote is at `quote` ends (after its closing quote), or -1
 * when there is none there; a raw control character is no JSON (JSON.parse is left to refuse it).
 */
function stringEnd(text: string, quote: number): number {
  escaped = false;
  if (text.charCodeAt(quote) !== QUOTE) return -1;
  for (let index = quote + 1; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) return index + 1;
    if (code === BACKSLASH) {
      escaped = true;
      index += 1;
    } else if (code < 0x20) return -1;
  }
  return -1;
}

/** The string stringEnd just found from `quote` to `end`, as JSON.parse reads it: without escapes, its text between the quotes. */
function stringValue(text: string, quote: number, end: number): string | undefined {
  if (!escaped) return text.slice(quote + 1, end - 1);
  try {
    return JSON.parse(text.slice(quote, end)) as string;
  } catch {
    return undefined;
  }
}

/**
 * Whether JSON.stringify(value) is the text of the string stringEnd just found. Without escapes
 * (so no quote, backslash or control character), it is unless the string holds a lone surrogate,
 * which JSON.stringify escapes.
 */
function writesString(value: string, text: string, quote: number, end: number): boolean {
  return escaped ? JSON.stringify(value) === text.slice(quote, end) : (value as unknown as WellFormed).isWellFormed();
}

/** String.prototype.isWellFormed (Node 20; ES2024, past this project's lib). */
interface WellFormed {
  isWellFormed(): boolean;
}

/** Where the JSON object starting at `start` ends (after its `}`), strings skipped; undefined when it does not. */
function objectEnd(text: string, start: number): number | undefined {
  let depth = 0;
  for (let index = start; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      const end = stringEnd(text, index);
      if (end < 0) return undefined;
      index = end - 1;
    } else if (code === 0x7b || code === 0x5b) depth += 1;
    else if (code === CLOSING_BRACE || code === 0x5d) {
      depth -= 1;
      if (depth === 0) return index + 1;
    }
  }
  return undefined;
}
