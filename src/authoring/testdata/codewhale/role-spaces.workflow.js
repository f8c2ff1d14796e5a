export default workflow({
  goal: 'Scout, then review',
  nodes: [
    {
      sequence: {
        id: 'chain',
        children: [
          { agent: { id: 'scout', prompt: 'Map the modules', agent_type: 'explore', role: ' Scout ' } },
          { agent: { id: 'review', prompt: 'Review the map', agent_type: 'review', role: 'Reviewer' } },
        ],
      },
    },
  ],
});
