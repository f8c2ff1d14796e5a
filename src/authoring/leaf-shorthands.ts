/**
 * The shorthand leaves every authoring language shares (CodeWhale's upstream surface): a
 * search is an explore leaf, a test or shell leaf is a verifier leaf. WhaleFlow also keeps
 * the real command (an IR extension), so the leaf runs it instead of asking a model to.
 */
export type LeafShorthand = 'search' | 'test' | 'shell';

export interface ShorthandLeafFields {
  readonly prompt: string;
  readonly agent_type: 'explore' | 'verifier';
  readonly command?: string;
}

export function shorthandLeafFields(shorthand: LeafShorthand, text: string): ShorthandLeafFields {
  switch (shorthand) {
    case 'search':
      return { prompt: `Search codebase: ${text}`, agent_type: 'explore' };
    case 'test':
      return { prompt: `Run test command: ${text}`, agent_type: 'verifier', command: text };
    case 'shell':
      return { prompt: `Run shell command: ${text}`, agent_type: 'verifier', command: text };
  }
}

/** The field a shorthand takes its text from. */
export function shorthandTextField(shorthand: LeafShorthand): 'query' | 'command' {
  return shorthand === 'search' ? 'query' : 'command';
}

/** Spellings models often use for agent types (accepted by Starlark and plans). */
export const AGENT_TYPE_ALIASES: Readonly<Record<string, string>> = {
  explorer: 'explore',
  implement: 'implementer',
  verify: 'verifier',
};

export function canonicalAgentType(name: string): string {
  return Object.hasOwn(AGENT_TYPE_ALIASES, name) ? AGENT_TYPE_ALIASES[name]! : name;
}
