/**
 * The file `whaleflow init` writes: runs offline on the mock out of the box, with real providers
 * one uncommenting away. It must stay a valid config; a test parses it.
 */
export const starterConfigText = `# WhaleFlow configuration. Reference: docs/configuration.md
#
# API keys never go in this file: each provider names the environment variable that holds its
# key (api_key_env). \`whaleflow providers\` shows which roles route where and which keys are set.

providers:
  mock:
    kind: mock                    # deterministic, offline, free; what CI and the quick start use

  # deepseek:
  #   kind: openai-compatible
  #   base_url: https://api.deepseek.com
  #   api_key_env: DEEPSEEK_API_KEY

  # openai:
  #   kind: openai-compatible
  #   base_url: https://api.openai.com/v1
  #   api_key_env: OPENAI_API_KEY

  # anthropic:
  #   kind: anthropic
  #   api_key_env: ANTHROPIC_API_KEY

  # vllm:                         # any local OpenAI-compatible server (vLLM, Ollama, llama.cpp)
  #   kind: openai-compatible
  #   base_url: http://127.0.0.1:8000/v1
  #   max_concurrency: 4

models:
  - provider: mock
    model: mock-default
    capabilities: { tool_calls: true, json_mode: true, prompt_cache: false, context_window: 128000 }
    prices: { input_cache_miss: 0, input_cache_hit: 0, output: 0 }

  # Prices are USD per million tokens. Leave a price out when you do not know it: costs then
  # show as unknown instead of a misleading $0.
  # - provider: deepseek
  #   model: deepseek-chat
  #   capabilities: { tool_calls: true, json_mode: true, prompt_cache: true, context_window: 65536, max_output_tokens: 8192 }
  #   prices: { input_cache_miss: 0.27, input_cache_hit: 0.07, output: 1.10 }
  # - provider: anthropic
  #   model: claude-sonnet-4-5
  #   capabilities: { tool_calls: true, json_mode: false, prompt_cache: true, context_window: 200000, max_output_tokens: 8192 }
  # - provider: vllm
  #   model: Qwen/Qwen2.5-Coder-32B-Instruct
  #   capabilities: { tool_calls: true, json_mode: true }

roles:
  # Every role without an entry of its own uses \`default\`. Roles: explore, plan, implementer,
  # reviewer, verifier, general, judge, planner, reducer, teacher, student.
  default:
    primary: mock/mock-default
  # implementer:
  #   primary: deepseek/deepseek-chat
  #   fallbacks: [anthropic/claude-sonnet-4-5]
  #   requires: [tool_calls]
  # judge:
  #   primary: deepseek/deepseek-chat
  #   requires: [json_mode]

memo:
  enabled: true
  cross_run: deterministic        # reuse across runs only temperature-0 or memoizable requests

# Scale-out (docs/distributed.md): with enabled: true, every run sends its leaves to
# \`whaleflow worker\` processes through BullMQ on this Redis (\`run --queue URL\` does the same for
# one run). Control nodes, decisions and the trace stay here. Off by default.
queue:
  enabled: false
  url: redis://127.0.0.1:6379
  name: leaves                    # the BullMQ queue; workers must use the same name
  unavailable_timeout_secs: 60    # a run waits this long for an unreachable Redis, then its pending leaves fail
  keep_finished_hours: 24         # finished jobs stay this long, so \`whaleflow resume\` can collect them
  stall_timeout_secs: 30          # a worker that died mid-leaf has its job handed to another after about this
  worker_concurrency: 4           # leaves a worker runs at once unless --concurrency says otherwise
  batch_max_leaves: 64            # leaves ready together travel as one job of at most this many (and at most the smallest worker's concurrency)
  worker_cached_runs: 8           # runs a worker keeps set up (runtime, checkout of the base commit) unless --cached-runs says otherwise; idle ones beyond are dropped, checkout removed

# Learning (off until stable): \`whaleflow learn\` has a teacher propose lessons from a run's trace,
# replays them cheaply with a student model and promotes only what a gate finds helps.
learning:
  enabled: false
  # test_commands: ["npm test"]   # commands a regression-test lesson may add besides the workflow's own
  # min_tasks: 3                  # paired held-out tasks the gate needs before it decides

# The overlay (off until stable): promoted lessons applied at run start as a bounded, untrusted
# advisory block in prompts, recorded in the run. \`whaleflow overlay ls|revert|disable\`; \`run --no-overlay\`.
overlay:
  enabled: false
  # advisory_max_chars: 2000

# External memory (docs/memory.md): memory nodes load large context (files, a command's output,
# a node's output, a stored document) into the project database; leaves that declare a context
# get operations over it (peek, search, chunk, diff, evidence, sub_query) instead of its text.
# Off until stable; every operation is recorded, so replay never needs the store.
memory:
  enabled: false
  max_context_bytes: 134217728    # refuse to load a context larger than this (128 MiB)
  max_sub_queries: 16             # sub-queries per leaf unless the leaf sets memory.max_sub_queries
  max_sub_query_chars: 32000      # characters of context one sub-query may carry
  command_timeout_secs: 600       # for contexts loaded from a command's output
  keep_versions: 5                # versions kept per context name; older ones are dropped

# The janitor (docs/janitor.md) keeps the project database bounded: \`whaleflow janitor\` shows what a
# pass would do, \`--apply\` does it (stale memo entries and lessons, memo capacity, lesson demotion,
# compaction that keeps replay, the database cap, orphaned worktrees). \`whaleflow pin RUN\` keeps a run whole.
janitor:
  auto: false                     # run a pass after each run finishes (off until stable)
  max_database_mb: 1024           # the oldest removable runs go first when the database is over this
  # keep_recent_runs: 20          # the newest runs are never deleted to meet the cap
  # memo: { max_entries: 20000, max_mb: 256, eviction: lru }
  # lessons: { judge_runs: 10, unused_runs: 50 }
  # compaction: { enabled: true, after_days: 1 }

# Worktrees (docs/leaves.md#dependencies-in-a-worktree): an isolated leaf's git worktree is checked
# out from HEAD and lacks your ignored build state. These ignored folders of your working tree are
# linked into it (read-only inside the sandbox), so its tests find their dependencies.
worktrees:
  link: [node_modules]            # e.g. [node_modules, .venv]; [] links nothing
`;
