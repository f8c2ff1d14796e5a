/** The roles workflows ask for. A config may define others; `default` catches every unset role. */
export const workflowRoles = [
  'explore',
  'plan',
  'implementer',
  'reviewer',
  'verifier',
  'general',
  'judge',
  'planner',
  'reducer',
  'teacher',
  'student',
] as const;

export type WorkflowRole = (typeof workflowRoles)[number];

export const defaultRoleName = 'default';

/** IR leaf `agent_type` values that are spelled differently from the role they imply. */
const roleByAgentType: Readonly<Record<string, string>> = { review: 'reviewer' };

export function roleForAgentType(agentType: string): string {
  return roleByAgentType[agentType] ?? agentType;
}
