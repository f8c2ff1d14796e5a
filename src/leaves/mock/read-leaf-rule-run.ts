import { PLAIN_WORD_PATTERN, QUOTED_TEXT_PATTERN, readPlainBlockYaml } from './read-plain-block-yaml.js';

/** A leaf rule as the plain block reader gives it: `{match: {id}, output, latency_ms?}`. */
interface PlainLeafRule {
  match: { id: string };
  output: string;
  latency_ms?: number;
}

/**
 * Reads a fixture whose top-level `leaves:` list starts with a run of rules written the way a
 * generated per-leaf fixture writes them —
 *
 *     - match:
 *         id: leaf-0
 *       output: "leaf-0 …"
 *       latency_ms: 5            (optional)
 *
 * one rule per match of one sticky regular expression, straight to rule objects. At 10,000 rules
 * the line-by-line reader cost ~60 ms of a cold CLI process, most of it its own JavaScript run
 * once, before V8 optimizes it; a regular expression is native code from its second use. The
 * rest of the text (everything but that run) goes to readPlainBlockYaml, so the document is read
 * exactly as that reader reads it (and so as js-yaml does), or not at all: undefined when there
 * is no such run, when a value in it is not a string (a plain `null`, `true`…), or when the rest
 * is outside the subset or does not leave `leaves:` empty where the run was cut out (a rule in
 * another shape, a comment or blank line among the rules) — the caller reads the whole text the
 * general way then. `read-leaf-rule-run.test.ts` holds it to readPlainBlockYaml and js-yaml.
 */
export function readLeafRuleRun(text: string): { readonly value: unknown } | undefined {
  const leavesLine = LEAVES_LINE.exec(text);
  if (!leavesLine) return undefined;
  const runStart = leavesLine.index + leavesLine[0].length;
  let indent = 0;
  while (text.charCodeAt(runStart + indent) === SPACE) indent += 1;
  if (indent > MAX_INDENT) return undefined;
  const rule = ruleExpression(indent);
  const rules: PlainLeafRule[] = [];
  let runEnd = runStart;
  for (rule.lastIndex = runStart; ; ) {
    const match = rule.exec(text);
    if (!match) break;
    const id = scalarString(match[1]!);
    const output = scalarString(match[2]!);
    if (id === undefined || output === undefined) return undefined;
    const read: PlainLeafRule = { match: { id }, output };
    if (match[3] !== undefined) read.latency_ms = Number(match[3]);
    rules.push(read);
    runEnd = rule.lastIndex;
  }
  if (rules.length === 0) return undefined;
  const rest = readPlainBlockYaml(text.slice(0, runStart) + text.slice(runEnd));
  if (!rest || !isMapping(rest.value) || rest.value.leaves !== null) return undefined;
  rest.value.leaves = rules;
  return rest;
}

const SPACE = 0x20;
/** A rule's lines are indented relative to its dash; deeper than this, the general reader reads it. */
const MAX_INDENT = 64;
/** `leaves:` as a top-level key (at the start of a line: after a newline only) with nothing after it. */
const LEAVES_LINE = /(?<![^\n])leaves: *\n/;
/** A one-line scalar the plain block reader takes: double- or single-quoted text with nothing to unescape, or a plain word. */
const SCALAR = `"${QUOTED_TEXT_PATTERN}*"|'${QUOTED_TEXT_PATTERN}*'|${PLAIN_WORD_PATTERN}`;
/** Non-negative decimal integers as the plain block reader reads them (a negative latency goes the general way, which refuses it). */
const LATENCY = '0|[1-9][0-9]{0,14}';

/** The words js-yaml's core schema reads as null or a boolean: a rule's id and output must be strings. */
const NOT_STRINGS: ReadonlySet<string> = new Set(['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE']);

function ruleExpression(indent: number): RegExp {
  const dash = ' '.repeat(indent);
  const key = ' '.repeat(indent + 2);
  const nested = ' '.repeat(indent + 4);
  const end = ' *(?:\\n|$)';
  return new RegExp(`${dash}- match:${end}${nested}id: +(${SCALAR})${end}${key}output: +(${SCALAR})${end}(?:${key}latency_ms: +(${LATENCY})${end})?`, 'y');
}

/** A scalar the rule expression matched, as a string, or undefined when the core schema reads it as something else. */
function scalarString(written: string): string | undefined {
  const first = written.charCodeAt(0);
  if (first === 0x22 || first === 0x27) return written.slice(1, -1);
  return NOT_STRINGS.has(written) ? undefined : written;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
