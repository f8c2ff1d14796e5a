import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { parseRecordedSpec, parseWorkflowSpec, type ParseResult } from './index.js';

// A recorded spec's text read with its leaves ahead must give exactly what the plain way gives,
// parseWorkflowSpec(JSON.parse(text)): the same spec (values, key order), the same diagnostics,
// the same SyntaxError — for the canonical texts a run records and for any tampered text.

type Outcome = { readonly threw: string } | ParseResult;

function outcomeOf(read: () => ParseResult): Outcome {
  try {
    return read();
  } catch (error) {
    return { threw: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

/** Checks parseRecordedSpec against the plain way, and that a text it calls canonical is its spec's JSON; gives what it read. */
function expectSameAsPlain(text: string): Outcome & { readonly canonical?: boolean } {
  const plain = outcomeOf(() => parseWorkflowSpec(JSON.parse(text)));
  const recorded = outcomeOf(() => parseRecordedSpec(text)) as Outcome & { readonly canonical?: boolean };
  const { canonical, ...read } = recorded;
  expect(JSON.stringify(read)).toBe(JSON.stringify(plain));
  expect(read).toEqual(plain);
  if (canonical) expect(JSON.stringify((recorded as { spec: unknown }).spec)).toBe(text);
  return recorded;
}

function canonicalText(raw: unknown): string {
  const parsed = parseWorkflowSpec(raw);
  if (!parsed.ok) throw new Error(`test workflow does not parse: ${parsed.diagnostics[0]?.message}`);
  return JSON.stringify(parsed.spec);
}

function fanOut(leaves: readonly object[]): unknown {
  return { id: 'w', goal: 'g', nodes: [{ kind: 'branch_set', spec: { id: 'root', parallel: true, children: leaves.map((spec) => ({ kind: 'leaf', spec })) } }] };
}

const wide = fanOut(Array.from({ length: 40 }, (_, index) => ({ id: `l-${index}`, prompt: `inspect ${index}`, agent_type: 'explore' })));

describe('parseRecordedSpec', () => {
  it('reads a wide fan-out without parsing its leaves as JSON, into the spec the plain way gives', () => {
    const text = canonicalText(wide);
    const parse = vi.spyOn(JSON, 'parse');
    let read: ParseResult;
    try {
      read = parseRecordedSpec(text);
      // The template leaf and the skeleton, never the whole text.
      expect(parse.mock.calls.every(([argument]) => argument.length < text.length / 4)).toBe(true);
    } finally {
      vi.restoreAllMocks();
    }
    expect(read).toMatchObject({ ok: true, canonical: true });
    if (read.ok) expect(JSON.stringify(read.spec)).toBe(text);
    expectSameAsPlain(text);
  });

  it('calls a text canonical only when it is the JSON.stringify of the spec read', () => {
    const escapes = canonicalText(fanOut(Array.from({ length: 5 }, (_, index) => ({ id: `l"${index}\\`, prompt: `p\n\u0001 ${index} \ud83d\udc33`, agent_type: 'explore' }))));
    expect(expectSameAsPlain(escapes)).toMatchObject({ ok: true, canonical: true });
    // The same values written another way: read the same, and not called canonical.
    const spelled = [
      escapes.replace('"l\\"0', '"\\u006c\\"0'), // an escape JSON.stringify does not write (in a leaf's id)
      escapes.replace('"mode":"read_only"', '"mode": "read_only"'), // a space in a leaf's text
      escapes.replace('"goal":"g"', '"goal":"\\u0067"'), // an escape in the workflow's own fields
      escapes.replace('"parallel":true', '"parallel":true '), // a space among a container's fields
      escapes.replace(/"prompt":"p/g, '"prompt":"\ud83d p'), // a lone surrogate, written raw (JSON.stringify escapes it)
    ];
    for (const text of spelled) {
      expect(text).not.toBe(escapes);
      expect(expectSameAsPlain(text)).toMatchObject({ ok: true, canonical: false });
    }
  });

  it('reads leaves of every shape as the plain way does: escapes, unicode, unlike fields, non-default values', () => {
    const leafSpec = fc.record(
      {
        id: fc.string({ unit: 'binary', maxLength: 8 }),
        prompt: fc.string({ unit: 'binary', maxLength: 12 }),
        agent_type: fc.constantFrom('general', 'explore'),
        mode: fc.constantFrom('read_only', 'read_write'),
        budget: fc.constantFrom(undefined, { max_tokens: 100 }, { max_steps: null }),
        permissions: fc.constantFrom(undefined, { allow_write: false }, { allowed_tools: ['grep'] }),
        file_scope: fc.constantFrom(undefined, [], ['src/']),
        role: fc.constantFrom(undefined, 'explore'),
        expect_exit: fc.constantFrom(undefined, 0, 2),
      },
      { requiredKeys: ['id', 'prompt'] },
    );
    const specs = fc.array(fc.array(leafSpec, { maxLength: 5 }), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(specs, (groups) => {
        const raw = {
          goal: 'g',
          nodes: groups.map((leaves, index) => ({
            kind: index % 2 === 0 ? 'branch_set' : 'sequence',
            spec: { id: `c${index}`, ...(index % 2 === 0 ? { parallel: true } : {}), children: leaves.map((spec) => ({ kind: 'leaf', spec: withoutUndefined(spec) })) },
          })),
        };
        const parsed = parseWorkflowSpec(raw);
        if (parsed.ok) expectSameAsPlain(JSON.stringify(parsed.spec));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the plain way\'s outcome for a tampered text, wherever the text was changed', () => {
    const text = canonicalText(fanOut(Array.from({ length: 6 }, (_, index) => ({ id: `l-${index}`, prompt: `p "${index}"\n` }))));
    const edits = fc.record({
      at: fc.nat(text.length),
      cut: fc.nat(3),
      insert: fc.constantFrom('', '5,', ',5', '0', '1', '"', '\\', '}', '{', ']', '[', ',"id":"x"', '{"kind":"leaf","spec":{"id":"z","prompt":"q"}}', ' ', '\u0001'),
    });
    fc.assert(
      fc.property(edits, ({ at, cut, insert }) => {
        expectSameAsPlain(text.slice(0, at) + insert + text.slice(at + cut));
      }),
      { numRuns: 1000 },
    );
  });

  it('takes no number the text holds itself for a leaf read ahead', () => {
    const text = canonicalText(wide);
    const leafNode = text.slice(text.indexOf('{"kind":"leaf"'), text.indexOf(',{"kind":"leaf"'));
    // A bare number where a node is, beside leaves read ahead: refused as the plain way refuses it.
    for (const number of ['0', '1', String(2 ** 51), '-1']) {
      const outcome = expectSameAsPlain(text.replace(`${leafNode},`, `${leafNode},${number},`));
      expect(outcome).toMatchObject({ ok: false });
    }
    // A leaf's text moved where no node is read (a leaf's exit code), a number in its place: refused too.
    const moved = text.replace(`${leafNode},`, '7,').replace('"agent_type":"explore"', `"agent_type":"explore","expect_exit":${leafNode}`);
    expect(expectSameAsPlain(moved)).toMatchObject({ ok: false });
  });

  it('reads a leaf whose keys repeat as JSON.parse does (the last one counts)', () => {
    const text = canonicalText(wide);
    const first = text.indexOf('"agent_type":"explore"');
    expectSameAsPlain(`${text.slice(0, first)}"id":"again",${text.slice(first)}`);
    const third = text.indexOf('"agent_type":"explore"', text.indexOf('"agent_type":"explore"', first + 1) + 1);
    expectSameAsPlain(`${text.slice(0, third)}"prompt":"again",${text.slice(third)}`);
  });

  it('throws JSON.parse\'s SyntaxError for a text that is not JSON', () => {
    expect(() => parseRecordedSpec('{"goal":')).toThrow(SyntaxError);
    expect(expectSameAsPlain(canonicalText(wide).slice(0, -1))).toMatchObject({ threw: expect.stringMatching(/^SyntaxError/) });
  });
});

function withoutUndefined(spec: object): object {
  return Object.fromEntries(Object.entries(spec).filter(([, value]) => value !== undefined));
}
