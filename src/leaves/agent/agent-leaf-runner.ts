import type { EffectArtifact, EffectResult, LeafRunContext, LeafRunInput } from '../../engine/index.js';
import { addUsage, emptyMemoUsage, type MemoUsage } from '../../ir/index.js';
import type { ModelClient, ModelMessage, ModelRequest } from '../../providers/index.js';
import { callLeafModel, PaidModelCallError, providerFailureOf, sumMemoUsage, type LeafRouteResolver, type PaidCall } from '../leaf-model.js';
import { failedLeaf, millisecondsLeft, succeededLeaf } from '../leaf-result.js';
import type { WorkspaceLeafRunner } from '../workspace-leaf-runner.js';
import type { Workspace } from '../workspace/index.js';
import type { CommandSandboxSettings } from '../command/index.js';
import { agentFirstMessage, agentSystemPrompt } from './agent-prompt.js';
import { describeToolCall, executeToolCall } from './execute-tool-call.js';
import { LoopMeter, type LoopLimit } from './loop-meter.js';
import { MemoryLedger, type LeafMemoryUse } from './memory-ledger.js';
import { FINISH_TOOL_NAME, finishTool, finishWithCitationsTool, parseFinish, selectTools, ToolError, type AgentTool, type FinishResult, type ToolEnvironment } from './tools/index.js';

export interface AgentLeafRunnerOptions {
  /** The providers layer, normally wrapped in the memo. */
  readonly modelClient: ModelClient;
  readonly routeFor: LeafRouteResolver;
  /** The environment run_command inherits from (filtered before use). */
  readonly env: NodeJS.ProcessEnv;
  /** Clock of the budget's deadline; default Date.now. */
  readonly now?: () => number;
  /** Model calls per leaf when its budget sets no max_steps; default 30. */
  readonly defaultMaxSteps?: number;
  /** Per run_command call; default 10 minutes (the leaf's deadline caps it further). */
  readonly commandTimeoutMs?: number;
  readonly maxOutputTokens?: number;
  /** How run_command is confined (bubblewrap unless the user passed --no-sandbox). */
  readonly sandbox: CommandSandboxSettings;
}

/** What an agent leaf reports in `data`. */
export interface AgentLeafData {
  readonly finished: boolean;
  readonly status: FinishResult['status'] | 'stopped';
  readonly steps: number;
  readonly toolCalls: number;
  readonly toolErrors: number;
  readonly stoppedBy?: LoopLimit;
  /** Memory use (operations, bytes, sub-queries, evidence, tokens avoided: an estimate), for leaves with memory. */
  readonly memory?: LeafMemoryUse;
}

interface LoopState {
  readonly messages: ModelMessage[];
  /** The memory ledger, for a leaf that declared memory contexts. */
  readonly memory?: MemoryLedger;
  memoUsage: MemoUsage;
  toolCalls: number;
  toolErrors: number;
  lastText: string;
}

const DEFAULT_MAX_STEPS = 30;
const DEFAULT_COMMAND_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * The agent leaf: a tool loop over a ModelClient. Each step is one model call; its tool calls
 * run in the workspace under the leaf's permissions; the loop ends at `finish` (or a plain
 * text answer), or stops with a partial result when a budget limit is reached.
 */
export class AgentLeafRunner implements WorkspaceLeafRunner {
  constructor(private readonly options: AgentLeafRunnerOptions) {}

  async run(input: LeafRunInput, context: LeafRunContext, workspace: Workspace): Promise<EffectResult> {
    const now = this.options.now ?? Date.now;
    const tools = selectTools(input.permissions, context.memory);
    const ledger = context.memory ? new MemoryLedger(context.memory) : undefined;
    const route = this.options.routeFor(input);
    const meter = new LoopMeter(input.budget, now, this.options.defaultMaxSteps ?? DEFAULT_MAX_STEPS);
    const state: LoopState = { messages: [{ role: 'user', content: agentFirstMessage(input) }], memoUsage: emptyMemoUsage(), toolCalls: 0, toolErrors: 0, lastText: '', ...(ledger ? { memory: ledger } : {}) };
    const environment = { ...this.toolEnvironment(input, context, workspace, now), ...(ledger ? { memory: ledger } : {}) };
    const system = agentSystemPrompt(input, context.memory);
    for (;;) {
      context.signal.throwIfAborted();
      const limit = meter.exhausted();
      if (limit) return stoppedResult(meter, limit, state);
      const request: ModelRequest = {
        route: route.route,
        system,
        messages: [...state.messages],
        tools: offeredNow(tools, ledger).map((tool) => tool.definition),
        toolChoice: 'auto',
        temperature: 0,
        ...(this.options.maxOutputTokens !== undefined ? { maxOutputTokens: this.options.maxOutputTokens } : {}),
      };
      ledger?.noteModelCall();
      let paid: PaidCall;
      try {
        paid = await callLeafModel(this.options.modelClient, request, route, input, context);
      } catch (error) {
        const failure = providerFailureOf(error);
        if (!failure) throw error;
        // Paid for, then refused (cut off, filtered, unreadable): the leaf's totals include it.
        if (error instanceof PaidModelCallError) {
          meter.record(error.paid);
          state.memoUsage = sumMemoUsage(state.memoUsage, error.memoUsage);
        }
        return providerFailedResult(meter, failure, state);
      }
      meter.record(paid);
      state.memoUsage = sumMemoUsage(state.memoUsage, paid.memoUsage);
      const { response } = paid;
      state.lastText = response.text || state.lastText;
      state.messages.push({ role: 'assistant', content: response.text, ...(response.toolCalls.length > 0 ? { toolCalls: response.toolCalls } : {}) });
      // A model that answers in plain text without calling a tool is done: its text is the summary.
      if (response.toolCalls.length === 0) return finishedResult(meter, { summary: response.text, status: 'succeeded' }, state);
      const finish = await this.runToolCalls(response.toolCalls, tools, environment, context, state);
      if (finish) return finishedResult(meter, finish, state);
    }
  }

  /** Runs the calls of one step in order; returns the finish result if one was called. */
  private async runToolCalls(
    calls: readonly { id: string; name: string; arguments: Record<string, unknown> }[],
    tools: readonly AgentTool[],
    environment: ToolEnvironment,
    context: LeafRunContext,
    state: LoopState,
  ): Promise<FinishResult | undefined> {
    for (const call of calls) {
      context.signal.throwIfAborted();
      context.activity(describeToolCall(call));
      state.toolCalls += 1;
      if (call.name === FINISH_TOOL_NAME) {
        try {
          const finish = parseFinish(call.arguments);
          const problem = state.memory && finish.citations ? state.memory.cite(finish.citations) : undefined;
          if (problem) throw new ToolError(FINISH_TOOL_NAME, problem);
          return finish;
        } catch (error) {
          if (!(error instanceof ToolError)) throw error;
          state.toolErrors += 1;
          state.messages.push({ role: 'tool', toolCallId: call.id, content: `error: ${error.message}` });
          continue;
        }
      }
      const outcome = await executeToolCall(call, tools, environment);
      if (outcome.isError) state.toolErrors += 1;
      state.messages.push({ role: 'tool', toolCallId: call.id, content: outcome.content });
    }
    return undefined;
  }

  private toolEnvironment(input: LeafRunInput, context: LeafRunContext, workspace: Workspace, now: () => number): ToolEnvironment {
    const commandTimeoutMs = Math.min(this.options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS, millisecondsLeft(input.budget, now) ?? Number.POSITIVE_INFINITY);
    return { root: workspace.root, workspace, sandbox: this.options.sandbox, protectedPaths: workspace.protectedPaths, permissions: input.permissions, signal: context.signal, env: this.options.env, commandTimeoutMs };
  }
}

/** The loop's model calls plus its sub-queries (charged by the engine as they were paid). */
function usageOf(meter: LoopMeter, state: LoopState) {
  const { totals } = meter;
  const loop = { input_tokens: totals.inputTokens, output_tokens: totals.outputTokens, cost_microusd: totals.costMicrousd };
  return state.memory ? addUsage(loop, state.memory.subQuerySpend) : loop;
}

function dataOf(meter: LoopMeter, state: LoopState, finished: boolean, status: AgentLeafData['status'], stoppedBy?: LoopLimit): AgentLeafData {
  return {
    finished,
    status,
    steps: meter.totals.steps,
    toolCalls: state.toolCalls,
    toolErrors: state.toolErrors,
    ...(stoppedBy ? { stoppedBy } : {}),
    ...(state.memory ? { memory: state.memory.summary() } : {}),
  };
}

function transcript(state: LoopState): EffectArtifact {
  return { kind: 'transcript', name: 'transcript.json', content: JSON.stringify(state.messages, null, 1) };
}

function finishedResult(meter: LoopMeter, finish: FinishResult, state: LoopState): EffectResult {
  const fields = { output: finish.summary, data: dataOf(meter, state, true, finish.status), usage: usageOf(meter, state), memoUsage: state.memoUsage, artifacts: [transcript(state)] };
  if (finish.status === 'succeeded') return succeededLeaf(fields);
  return failedLeaf({ ...fields, error: `the agent finished with status failed: ${finish.summary}` });
}

/** A clear partial result: which limit stopped the loop, and the last thing the model said. */
function stoppedResult(meter: LoopMeter, limit: LoopLimit, state: LoopState): EffectResult {
  const reason = meter.describe(limit);
  const output = `Stopped before finishing: ${reason}.${state.lastText ? `\nLast model message: ${state.lastText}` : ''}`;
  return failedLeaf({ output, error: reason, data: dataOf(meter, state, false, 'stopped', limit), usage: usageOf(meter, state), memoUsage: state.memoUsage, artifacts: [transcript(state)] });
}

/** A provider failure mid-loop: what was done so far is kept (the diff is attached by the dispatcher). */
function providerFailedResult(meter: LoopMeter, failure: { message: string; retryable: boolean }, state: LoopState): EffectResult {
  return failedLeaf({
    output: `Stopped before finishing: ${failure.message}`,
    error: failure.message,
    retryable: failure.retryable,
    data: dataOf(meter, state, false, 'stopped'),
    usage: usageOf(meter, state),
    memoUsage: state.memoUsage,
    artifacts: [transcript(state)],
  });
}

/**
 * The tools of this step: `finish` takes `citations` only once the leaf has collected evidence.
 * Offered with nothing to cite, the optional list invites a model to invent ids (each one a wasted
 * step), and a grammar-constrained small model may fill it without end.
 */
function offeredNow(tools: readonly AgentTool[], ledger: MemoryLedger | undefined): readonly AgentTool[] {
  if (!ledger || ledger.evidence.length > 0) return tools;
  return tools.map((tool) => (tool === finishWithCitationsTool ? finishTool : tool));
}
