// External memory in a declarative .workflow.js: {memory: {...}} with the source given directly.
export default workflow({
  id: 'memory-js',
  goal: 'Answer a question about a generated log',
  nodes: [
    { memory: { id: 'build_log', command: 'node scripts/generate-log.mjs' } },
    { agent: { id: 'answer', prompt: 'Which step failed first?', memory: { contexts: ['build_log'] } } },
    { memory: { id: 'answer_digest', source: { node: 'answer' } } },
  ],
});
