import { endOfString, repairJson, type JsonRepair } from './repair-json.js';

export type ExtractedPlanJson =
  | {
      readonly ok: true;
      /**
       * The JSON text, padded with spaces (newlines kept) to where it sat in the input, so
       * positions read from it are positions in the input.
       */
      readonly json: string;
      readonly value: unknown;
      /** The repairs the repair pass made; empty when the JSON was clean. */
      readonly repairs: readonly JsonRepair[];
      /** Offset of the JSON in the input. */
      readonly start: number;
    }
  | { readonly ok: false; readonly message: string; readonly offset: number };

/**
 * Finds the plan JSON in a model's answer: the first ```json (or unlabeled) fence holding an
 * object, else the first balanced `{...}` in the text. Strict JSON first; if that fails, ONE
 * repair pass (see repairJson) and one more try. Never evaluates anything.
 */
export function extractPlanJson(text: string): ExtractedPlanJson {
  const candidates = [...fencedObjects(text), ...bareObjects(blankForeignFences(text))].slice(0, MAX_CANDIDATES);
  if (candidates.length === 0) return { ok: false, message: 'no JSON object found in the text', offset: 0 };
  for (const { start, end } of candidates) {
    const body = text.slice(start, end);
    const strict = tryParse(body);
    if (strict.ok) return { ok: true, json: pad(text, start, end, body), value: strict.value, repairs: [], start };
  }
  const { start, end } = candidates[0]!;
  const body = text.slice(start, end);
  const repaired = repairJson(body);
  const second = tryParse(repaired.text);
  if (second.ok) return { ok: true, json: pad(text, start, end, repaired.text), value: second.value, repairs: repaired.repairs, start };
  const strictMessage = (tryParse(body) as { message: string }).message;
  return { ok: false, message: `the plan is not valid JSON (even after repairing ${describeRepairs(repaired.repairs)}): ${strictMessage}`, offset: start };
}

/** How many `{` starts are tried before giving up; prose rarely holds more than a few. */
const MAX_CANDIDATES = 20;

function describeRepairs(repairs: readonly JsonRepair[]): string {
  return repairs.length > 0 ? repairs.join(', ') : 'trailing commas, single quotes and unquoted keys';
}

function tryParse(body: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

/** The text with everything outside [start, end) blanked, so offsets and lines line up. */
function pad(text: string, start: number, end: number, body: string): string {
  const blank = (part: string) => part.replace(/[^\n]/g, ' ');
  return blank(text.slice(0, start)) + body + blank(text.slice(end));
}

const FENCE = /```[ \t]*([\w+-]*)[^\n]*\n([\s\S]*?)```/g;

interface Span {
  readonly start: number;
  readonly end: number;
}

function fencedObjects(text: string): Span[] {
  const spans: Span[] = [];
  for (const match of text.matchAll(FENCE)) {
    const language = match[1]!.toLowerCase();
    if (language !== '' && !language.startsWith('json')) continue;
    const bodyStart = match.index + match[0].indexOf('\n') + 1;
    const body = match[2]!;
    const open = body.search(/\S/);
    if (open >= 0 && body[open] === '{') spans.push({ start: bodyStart + open, end: bodyStart + body.trimEnd().length });
  }
  return spans;
}

/** Code fences in other languages (python, ts…) blanked, so their braces are not taken for the plan. */
function blankForeignFences(text: string): string {
  return text.replace(FENCE, (fence, language: string) => (language === '' || language.toLowerCase().startsWith('json') ? fence : fence.replace(/[^\n]/g, ' ')));
}

/**
 * Each outermost `{` to its matching `}` (quotes of both kinds respected), or to the end of
 * the text. Objects nested in an earlier one are not candidates: a half-valid plan must be
 * repaired as a whole, not replaced by one of its inner objects.
 */
function bareObjects(text: string): Span[] {
  const spans: Span[] = [];
  for (let start = text.indexOf('{'); start >= 0 && spans.length < MAX_CANDIDATES; ) {
    const span = matchingBrace(text, start);
    spans.push(span);
    start = text.indexOf('{', span.end);
  }
  return spans;
}

function matchingBrace(text: string, start: number): Span {
  let depth = 0;
  let index = start;
  while (index < text.length) {
    const char = text[index]!;
    if (char === '"' || char === "'") {
      index = endOfString(text, index, char);
      continue;
    }
    if (char === '{' || char === '[') depth += 1;
    else if (char === '}' || char === ']') {
      depth -= 1;
      if (depth === 0) return { start, end: index + 1 };
    }
    index += 1;
  }
  return { start, end: text.length };
}
