import type { EffectResult, LeafRunContext, LeafRunInput } from '../../engine/index.js';
import type { ModelClient } from '../../providers/index.js';
import { callLeafModel, providerFailureOf, type LeafRouteResolver, type PaidCall } from '../leaf-model.js';
import { failedLeaf, succeededLeaf } from '../leaf-result.js';
import type { WorkspaceLeafRunner } from '../workspace-leaf-runner.js';
import type { Workspace } from '../workspace/index.js';
import type { SearchOutcome } from './search-hit.js';
import { searchFiles, type SearchEngineChoice } from './search-files.js';

/** The prompt every authoring front-end gives a `search()` leaf. */
export const SEARCH_PROMPT_PREFIX = 'Search codebase: ';

export interface SearchLeafRunnerOptions {
  /** Used only when the leaf asks for more than the hits (a summary). */
  readonly modelClient: ModelClient;
  readonly routeFor: LeafRouteResolver;
  readonly engine?: SearchEngineChoice;
  readonly ripgrepCommand?: string;
  /** Hits kept; default 200. */
  readonly maxHits?: number;
}

export interface SearchPrompt {
  readonly query: string;
  /** What the leaf asks beyond the query (the lines after the first); empty for a plain search. */
  readonly instructions: string;
}

const SUMMARY_SYSTEM =
  'You summarize code search results for one step of a workflow. Answer the instructions using only the hits given, and cite hits as path:line.';

export function isSearchPrompt(prompt: string): boolean {
  return prompt.startsWith(SEARCH_PROMPT_PREFIX);
}

export function parseSearchPrompt(prompt: string): SearchPrompt {
  const body = prompt.slice(SEARCH_PROMPT_PREFIX.length);
  const newline = body.indexOf('\n');
  return newline === -1 ? { query: body.trim(), instructions: '' } : { query: body.slice(0, newline).trim(), instructions: body.slice(newline + 1).trim() };
}

/**
 * A search leaf: a fast local search over the leaf's file scope. A plain search answers with
 * the hits themselves (no model call); a search with instructions lets the model summarize.
 */
export class SearchLeafRunner implements WorkspaceLeafRunner {
  constructor(private readonly options: SearchLeafRunnerOptions) {}

  async run(input: LeafRunInput, context: LeafRunContext, workspace: Workspace): Promise<EffectResult> {
    const prompt = parseSearchPrompt(input.leaf.prompt);
    const limit = this.options.maxHits ?? 200;
    const outcome = await searchFiles(
      { root: workspace.root, text: prompt.query, fileScope: input.permissions.fileScope, limit, signal: context.signal, protectedPaths: workspace.protectedPaths },
      this.options.engine,
      this.options.ripgrepCommand,
    );
    context.activity(`search "${prompt.query}": ${outcome.hits.length}${outcome.truncated ? '+' : ''} hits (${outcome.engine})`);
    const listing = formatHits(outcome);
    const data = { query: prompt.query, engine: outcome.engine, hits: outcome.hits.length, truncated: outcome.truncated };
    if (prompt.instructions === '' || outcome.hits.length === 0) {
      context.spend({ inputTokens: 0, outputTokens: 0, costMicrousd: 0, steps: 1 });
      return succeededLeaf({ output: listing, data });
    }
    const route = this.options.routeFor(input);
    let paid: PaidCall;
    try {
      paid = await callLeafModel(
        this.options.modelClient,
        { route: route.route, system: SUMMARY_SYSTEM, messages: [{ role: 'user', content: `${prompt.instructions}\n\nQuery: ${prompt.query}\n\nHits:\n${listing}` }], temperature: 0 },
        route,
        input,
        context,
      );
    } catch (error) {
      const failure = providerFailureOf(error);
      if (!failure) throw error;
      return failedLeaf({ output: listing, data, error: failure.message, retryable: failure.retryable });
    }
    return succeededLeaf({
      output: paid.response.text,
      data,
      usage: { input_tokens: paid.inputTokens, output_tokens: paid.outputTokens, cost_microusd: paid.costMicrousd },
      memoUsage: paid.memoUsage,
      artifacts: [{ kind: 'file', name: 'hits.txt', content: listing }],
    });
  }
}

export function formatHits(outcome: SearchOutcome): string {
  if (outcome.hits.length === 0) return '(no matches)';
  const lines = outcome.hits.map((hit) => `${hit.path}:${hit.line}: ${hit.text}`);
  if (outcome.truncated) lines.push(`… (more than ${outcome.hits.length} hits)`);
  return lines.join('\n');
}
