import { shortLessonId, shortSnapshotId, type GateOutcome, type Lesson, type LessonSummary, type ProposeOutcome, type StageDecision, type TaskReplay } from '../../learning/index.js';

/** One line per lesson: id, status, kind, title. */
export function formatLessonList(summaries: readonly LessonSummary[], overlay: ReadonlySet<string>): string {
  if (summaries.length === 0) return 'no lessons yet (whaleflow learn proposes some from the last run)\n';
  const lines = summaries.map((summary) => `${shortLessonId(summary.lesson.id)}  ${summary.status.padEnd(9)}${overlay.has(summary.lesson.id) ? '*' : ' '} ${summary.lesson.kind.padEnd(22)} ${summary.lesson.title}`);
  return `${['id            status     kind                   title', ...lines].join('\n')}\n(* in the overlay)\n`;
}

export function formatLesson(lesson: Lesson, extra: { status?: string; history?: readonly { status: string; reasons: readonly string[]; at: number }[]; decisions?: readonly { stage: string; decision: string; reasons: readonly string[] }[] } = {}): string {
  const lines = [
    `lesson ${lesson.id}`,
    `  kind        ${lesson.kind}`,
    `  title       ${lesson.title}`,
    ...(extra.status ? [`  status      ${extra.status}`] : []),
    `  content     ${JSON.stringify(lesson.content)}`,
    `  scope       ${describeScope(lesson)}`,
    `  evidence    runs ${lesson.provenance.runs.map((run) => run.slice(0, 8)).join(', ') || 'none'}${lesson.provenance.nodes.length > 0 ? `; nodes ${lesson.provenance.nodes.map((node) => node.node_id).join(', ')}` : ''}`,
    `  proposer    ${describeProposer(lesson)}`,
    `  learned at  ${lesson.invalidation.commit?.slice(0, 12) ?? 'no commit'}${Object.keys(lesson.invalidation.files).length > 0 ? `, ${Object.keys(lesson.invalidation.files).length} scoped file(s)` : ''}`,
  ];
  if (lesson.rationale) lines.push(`  rationale   ${lesson.rationale}`);
  if (extra.history && extra.history.length > 0) {
    lines.push('  history');
    for (const event of extra.history) lines.push(`    ${new Date(event.at).toISOString()}  ${event.status.padEnd(9)} ${event.reasons.join('; ')}`);
  }
  if (extra.decisions && extra.decisions.length > 0) {
    lines.push('  gate decisions');
    for (const decision of extra.decisions) lines.push(`    ${decision.stage.padEnd(8)} ${decision.decision.padEnd(12)} ${decision.reasons.join('; ')}`);
  }
  return `${lines.join('\n')}\n`;
}

function describeScope(lesson: Lesson): string {
  const { scope } = lesson;
  const parts = [
    scope.paths.length > 0 ? `paths ${scope.paths.join(', ')}` : 'whole repository',
    scope.roles.length > 0 ? `roles ${scope.roles.join(', ')}` : '',
    scope.agent_types.length > 0 ? `agent types ${scope.agent_types.join(', ')}` : '',
    scope.workflows.length > 0 ? `workflows ${scope.workflows.join(', ')}` : '',
    scope.model_family ? `model family ${scope.model_family}` : '',
  ];
  return parts.filter(Boolean).join('; ');
}

function describeProposer(lesson: Lesson): string {
  const { proposer } = lesson.provenance;
  switch (proposer.type) {
    case 'teacher':
      return `teacher ${proposer.route} (prompt ${proposer.prompt_hash.slice(0, 12)})`;
    case 'rule':
      return `rule ${proposer.rule}`;
    case 'import':
      return `imported from ${proposer.source}`;
  }
}

export function formatProposals(outcome: ProposeOutcome): string {
  const lines = [`reviewed run(s) ${outcome.runs.map((run) => run.slice(0, 8)).join(', ')}`];
  if (outcome.teacher.used) lines.push(`teacher: ${outcome.teacher.calls} call(s), ${outcome.teacher.tokens} tokens${outcome.teacher.error ? ' — its proposal failed validation (below)' : ''}`);
  else lines.push('teacher: none (deterministic proposals only; --provider mock-model|config, or a fixture with a model: section, asks one)');
  if (outcome.lessons.length === 0) lines.push('no lessons proposed');
  for (const { lesson, created } of outcome.lessons) lines.push(`  ${shortLessonId(lesson.id)}  ${lesson.kind.padEnd(20)} ${lesson.title}${created ? '' : '  (already known)'}`);
  if (outcome.teacher.error) lines.push(outcome.teacher.error.message);
  return `${lines.join('\n')}\n`;
}

export function formatReplay(replay: TaskReplay): string {
  const side = (figures: TaskReplay['baseline']): string => `${figures.success ? 'succeeded' : 'failed'}, ${figures.work_tokens} tokens, ${figures.steps} steps`;
  if (!replay.applied) return `  ${replay.task.baselineRunId.slice(0, 8)} ${replay.task.label}: not applied (${replay.skippedReason})\n`;
  return [
    `  ${replay.task.baselineRunId.slice(0, 8)} ${replay.task.label}`,
    `    baseline   ${side(replay.baseline)}${replay.replay.rebased ? ` (replayed under the current overlay: ${replay.comparisonRunId.slice(0, 8)})` : ''}`,
    `    candidate  ${side(replay.candidate)}  (run ${replay.candidateRunId?.slice(0, 8)})`,
    `    replay     ${replay.replay.live} effect(s) live (${replay.replay.liveNodes.join(', ') || 'none'}), ${replay.replay.served} served from the baseline; ${replay.replay.providerCalls} model call(s), ${replay.replay.paidTokens} tokens paid`,
    ...(replay.required_tests.some((test) => !test.passed) ? [`    failing required tests: ${replay.required_tests.filter((test) => !test.passed).map((test) => test.nodeId).join(', ')}`] : []),
    '',
  ].join('\n');
}

export function formatStage(decision: StageDecision): string {
  return `${decision.stage.padEnd(8)} ${decision.decision}: ${decision.reasons.join('; ')}\n`;
}

export function formatGate(outcome: GateOutcome): string {
  const lines = [`lesson ${shortLessonId(outcome.lesson.id)} (${outcome.lesson.kind}: ${outcome.lesson.title})`];
  lines.push(formatStage(outcome.screen).trimEnd());
  if (outcome.validate) lines.push(formatStage(outcome.validate).trimEnd());
  lines.push(`verdict: ${outcome.verdict}${outcome.verdict === 'promoted' ? ` — overlay snapshot ${shortSnapshotId(outcome.head.snapshotId)} (${outcome.head.lessonIds.length} lesson(s))` : ''}`);
  return `${lines.join('\n')}\n`;
}
