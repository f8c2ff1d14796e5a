import type { MockLeafRule } from './mock-fixture-schema.js';
import { MockOutputTemplate } from './mock-output-template.js';

/** A leaf rule ready to use: its prompt regex and output template compiled once. */
export interface CompiledLeafRule {
  readonly rule: MockLeafRule;
  /** Declaration order: the first matching rule answers. */
  readonly position: number;
  readonly prompt: RegExp | undefined;
  readonly output: MockOutputTemplate | undefined;
}

const NONE: readonly CompiledLeafRule[] = Object.freeze([]);

/**
 * Finds the first rule (in declaration order) that matches a leaf without scanning them all:
 * rules naming an id are indexed by it, and only the rules that match by prompt alone are
 * tried for every leaf. A fixture of one rule per leaf of a 10,000-leaf fan-out costs one map
 * lookup per leaf instead of a scan of 10,000 rules.
 */
export class MockRuleIndex {
  private readonly byId = new Map<string, CompiledLeafRule[]>();
  private readonly anyId: CompiledLeafRule[] = [];

  constructor(rules: readonly MockLeafRule[]) {
    rules.forEach((rule, position) => {
      const compiled: CompiledLeafRule = {
        rule,
        position,
        prompt: rule.match.prompt !== undefined ? new RegExp(rule.match.prompt) : undefined,
        output: rule.output !== undefined ? MockOutputTemplate.compile(rule.output) : undefined,
      };
      if (rule.match.id === undefined) this.anyId.push(compiled);
      else {
        const list = this.byId.get(rule.match.id);
        if (list) list.push(compiled);
        else this.byId.set(rule.match.id, [compiled]);
      }
    });
  }

  get size(): number {
    return this.byId.size + this.anyId.length;
  }

  /** The first rule, in declaration order, whose id (if any) and prompt regex (if any) match. */
  find(leafId: string, prompt: string): CompiledLeafRule | undefined {
    const named = this.byId.get(leafId) ?? NONE;
    let i = 0;
    let j = 0;
    // Two lists each in declaration order: merge them, trying the earlier rule first.
    while (i < named.length || j < this.anyId.length) {
      const takeNamed = j >= this.anyId.length || (i < named.length && named[i]!.position < this.anyId[j]!.position);
      const candidate = takeNamed ? named[i++]! : this.anyId[j++]!;
      if (!candidate.prompt || candidate.prompt.test(prompt)) return candidate;
    }
    return undefined;
  }
}
