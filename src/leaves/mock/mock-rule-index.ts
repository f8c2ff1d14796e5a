import type { MockLeafRule } from './mock-fixture-schema.js';
import { MockOutputTemplate } from './mock-output-template.js';

/** A leaf rule ready to use: its prompt regex and output template compiled once. */
export interface CompiledLeafRule {
  readonly rule: MockLeafRule;
  /** Declaration order: the first matching rule answers. */
  readonly position: number;
  readonly prompt: RegExp | undefined;
  /** The output compiled when it has a brace (a placeholder, or one written literally); plain text is answered as it is. */
  readonly output: MockOutputTemplate | undefined;
}

/**
 * Finds the first rule (in declaration order) that matches a leaf without scanning them all:
 * rules naming an id are indexed by it, and only the rules that match by prompt alone are
 * tried for every leaf. A fixture of one rule per leaf of a 10,000-leaf fan-out costs one map
 * lookup per leaf instead of a scan of 10,000 rules.
 *
 * The index holds only positions: a rule naming an id is compiled when a leaf first asks for it
 * (and kept when that took a regex or a template), not when the runner is made. The runner is
 * made in the run's process, cold, and
 * an object and a one-rule list per rule cost a 10,000-rule fixture ~10–40 ms there, about what
 * its 10,000 leaves cost the engine once warm. A prompt regex is still compiled at once, so a
 * bad one fails the runner's construction as before.
 */
export class MockRuleIndex {
  /** The position of the first rule naming an id, or the positions of every rule naming it (in order) when several do. */
  private readonly byId = new Map<string, number | number[]>();
  private readonly anyId: CompiledLeafRule[] = [];
  private readonly compiled: (CompiledLeafRule | undefined)[];
  /** Whether some id is named by more than one rule. */
  private readonly repeatsIds: boolean = false;
  /** The position after the last rule found by id: where the next leaf's rule most likely is. */
  private next = 0;

  constructor(private readonly rules: readonly MockLeafRule[]) {
    this.compiled = new Array<CompiledLeafRule | undefined>(rules.length);
    let repeatsIds = false;
    for (let position = 0; position < rules.length; position += 1) {
      const { match } = rules[position]!;
      if (match.id === undefined) {
        this.anyId.push(this.compiledAt(position));
        continue;
      }
      if (match.prompt !== undefined) this.compiledAt(position);
      const known = this.byId.get(match.id);
      if (known === undefined) this.byId.set(match.id, position);
      else if (typeof known === 'number') this.byId.set(match.id, [known, position]);
      else known.push(position);
      if (known !== undefined) repeatsIds = true;
    }
    this.repeatsIds = repeatsIds;
  }

  get size(): number {
    return this.byId.size + this.anyId.length;
  }

  /** The first rule, in declaration order, whose id (if any) and prompt regex (if any) match. */
  find(leafId: string, prompt: string): CompiledLeafRule | undefined {
    if (this.anyId.length === 0 && !this.repeatsIds) {
      // The common case (one rule per leaf id, none by prompt alone), whose rule is the only one
      // naming the id. A fan-out's leaves start in the order its generated rules are written, so
      // the rule after the last one found is tried before the index: the map lookup was the
      // larger part of a leaf's cost in the mock (a miss in the cache per lookup, on a cold run).
      const position = this.rules[this.next]?.match.id === leafId ? this.next : this.byId.get(leafId);
      if (typeof position !== 'number') return undefined;
      this.next = position + 1;
      const only = this.compiledAt(position);
      return !only.prompt || only.prompt.test(prompt) ? only : undefined;
    }
    const known = this.byId.get(leafId);
    const named = known === undefined ? NONE : typeof known === 'number' ? [known] : known;
    let i = 0;
    let j = 0;
    // Two lists each in declaration order: merge them, trying the earlier rule first.
    while (i < named.length || j < this.anyId.length) {
      const takeNamed = j >= this.anyId.length || (i < named.length && named[i]! < this.anyId[j]!.position);
      const candidate = takeNamed ? this.compiledAt(named[i++]!) : this.anyId[j++]!;
      if (!candidate.prompt || candidate.prompt.test(prompt)) return candidate;
    }
    return undefined;
  }

  private compiledAt(position: number): CompiledLeafRule {
    let compiled = this.compiled[position];
    if (compiled === undefined) {
      const rule = this.rules[position]!;
      compiled = {
        rule,
        position,
        prompt: rule.match.prompt !== undefined ? new RegExp(rule.match.prompt) : undefined,
        // No template object for plain text: one per leaf of a fan-out's generated rules, asked for once.
        output: rule.output?.includes('{') ? MockOutputTemplate.compile(rule.output) : undefined,
      };
      // Kept only when compiling it did real work (a regex, a template): a fan-out's rule per leaf
      // is asked for once, and keeping each one kept three objects per leaf to the run's end.
      if (compiled.prompt || compiled.output?.templated) this.compiled[position] = compiled;
    }
    return compiled;
  }
}

const NONE: readonly number[] = Object.freeze([]);
