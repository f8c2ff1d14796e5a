// A declarative file in CodeWhale's shape: quoted keys, gates (an upstream field WhaleFlow
// ignores), a sequence of read-only agents with budgets and file scopes.
export default workflow({
  "id": "release-check",
  "goal": "Check the release notes against the changelog without changing the workspace",
  "gates": [{ "id": "notes", "role": "scout", "on": "role_complete", "gate": "approve" }],
  "nodes": [
    {
      "sequence": {
        "id": "check-chain",
        "children": [
          {
            "agent": {
              "id": "read-notes",
              "prompt": "Read docs/release-notes.md and list every claimed change.",
              "agent_type": "explore",
              "role": "scout",
              "mode": "read_only",
              "file_scope": ["docs/release-notes.md"],
              "budget": { "max_steps": 4, "timeout_secs": 300, "max_tokens": 24000 }
            }
          },
          {
            "agent": {
              "id": "compare",
              "prompt": "Compare the claimed changes with CHANGELOG.md; report anything missing.",
              "agent_type": "review",
              "role": "reviewer",
              "mode": "read_only",
              "file_scope": ["CHANGELOG.md"],
              "budget": { "max_steps": 3, "timeout_secs": 300, "max_tokens": 24000 }
            }
          }
        ]
      }
    }
  ]
});
