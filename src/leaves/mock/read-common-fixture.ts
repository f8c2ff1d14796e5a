import { leafRuleSchema, mockFixtureSchema, type MockFixture, type MockLeafRule } from './mock-fixture-schema.js';

type RawObject = Record<string, unknown>;

/**
 * Reads a parsed fixture document as `mockFixtureSchema` would, with the leaf rules of a wide
 * fan-out — `{match: {id}, output?, latency_ms?}`, one per leaf — built by hand: zod's checks of
 * 10,000 such rules cost about as much as reading the file. Any other rule goes through zod on
 * its own; a rule zod refuses, or any doubt, returns undefined and the caller reads the whole
 * fixture with zod (which words the errors). `read-common-fixture.test.ts` holds both to the
 * same output.
 */
export function readCommonFixture(value: unknown): MockFixture | undefined {
  if (!isObject(value) || !Array.isArray(value.leaves)) return undefined;
  const leaves: MockLeafRule[] = new Array(value.leaves.length);
  for (let index = 0; index < leaves.length; index += 1) {
    const rule = readRule(value.leaves[index]);
    if (!rule) return undefined;
    leaves[index] = rule;
  }
  const plain = readPlainRest(value, leaves);
  if (plain) return plain;
  // The rest of a fixture is small: zod reads it, with no leaf rules standing in.
  const rest = mockFixtureSchema.safeParse({ ...value, leaves: [] });
  if (!rest.success) return undefined;
  rest.data.leaves = leaves;
  return rest.data;
}

/**
 * A fixture of leaf rules alone, with at most a default latency (what a generated per-leaf
 * fixture is), as zod reads it: a run then builds none of the fixture's schemas.
 */
function readPlainRest(value: RawObject, leaves: MockLeafRule[]): MockFixture | undefined {
  for (const key in value) if (key !== 'leaves' && key !== 'defaults') return undefined;
  if (!('defaults' in value)) return { leaves, judge: [], expand: [], reduce: [] };
  const defaults = value.defaults;
  if (!isObject(defaults)) return undefined;
  for (const key in defaults) if (key !== 'latency_ms') return undefined;
  if (!('latency_ms' in defaults)) return { defaults: {}, leaves, judge: [], expand: [], reduce: [] };
  const latency = defaults.latency_ms;
  if (!isLatency(latency)) return undefined;
  return { defaults: { latency_ms: latency }, leaves, judge: [], expand: [], reduce: [] };
}

function isLatency(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isObject(value: unknown): value is RawObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readRule(rule: unknown): MockLeafRule | undefined {
  const common = readCommonRule(rule);
  if (common) return common;
  const parsed = leafRuleSchema.safeParse(rule);
  return parsed.success ? parsed.data : undefined;
}

/** A rule matched by id with at most an output and a latency, in the schema's key order. */
function readCommonRule(rule: unknown): MockLeafRule | undefined {
  if (!isObject(rule)) return undefined;
  for (const key in rule) if (key !== 'match' && key !== 'output' && key !== 'latency_ms') return undefined;
  const { match, output, latency_ms: latency } = rule;
  if (!isObject(match) || typeof match.id !== 'string') return undefined;
  for (const key in match) if (key !== 'id') return undefined;
  const read: MockLeafRule = { match: { id: match.id } };
  if ('output' in rule) {
    if (typeof output !== 'string') return undefined;
    read.output = output;
  }
  if ('latency_ms' in rule) {
    if (!isLatency(latency)) return undefined;
    read.latency_ms = latency;
  }
  return read;
}
