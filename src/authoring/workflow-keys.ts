import { SpecSource, WORKFLOW_FIELDS, type WorkflowSpec } from '../ir/index.js';
import { nearestName } from '../starlark/index.js';
import type { Diagnostic } from '../util/index.js';

/** The workflow's own fields: unknown ones are ignored by design (CodeWhale compatibility), but never silently. */
const WORKFLOW_KEYS: readonly string[] = WORKFLOW_FIELDS;

/** CodeWhale's workflow-file fields WhaleFlow ignores on purpose (docs/authoring.md): no warning for them. */
const UPSTREAM_IGNORED_KEYS: readonly string[] = ['gates'];

/**
 * Names other tools use for a workflow's fields, which an edit distance would not find
 * (`steps` is four edits from `nodes`).
 */
const SYNONYMS: Readonly<Record<string, string>> = {
  steps: 'nodes',
  tasks: 'nodes',
  jobs: 'nodes',
  stages: 'nodes',
  children: 'nodes',
  node: 'nodes',
  workflow: 'nodes',
  name: 'id',
  title: 'id',
  objective: 'goal',
  purpose: 'goal',
  prompt: 'goal',
  limits: 'budget',
  model: 'model_policy',
};

/**
 * A warning (positioned where the source has a position) for every top-level key the workflow
 * does not have, with the key that was probably meant. They stay warnings, not errors: CodeWhale
 * documents carry fields of newer versions, and upstream ignores unknown fields too.
 */
export function unknownTopLevelKeys(document: unknown, source: SpecSource): Diagnostic[] {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return [];
  const diagnostics: Diagnostic[] = [];
  for (const key of Object.keys(document)) {
    if (WORKFLOW_KEYS.includes(key) || UPSTREAM_IGNORED_KEYS.includes(key)) continue;
    const meant = meantKey(key, document as Record<string, unknown>);
    const position = source.positionOf([key]);
    diagnostics.push({
      severity: 'warning',
      code: 'unknown-field',
      message: `unknown workflow field "${key}" is ignored${meant ? ` (did you mean "${meant}"?)` : ''}; the workflow's fields are ${WORKFLOW_KEYS.join(', ')}`,
      ...(position ? { position } : {}),
      field: key,
    });
  }
  return diagnostics;
}

/**
 * A workflow with no nodes runs nothing and reports success, which is never what its author meant
 * (a misspelt `nodes`, a generator that produced nothing): refused, with the misspelling when
 * there is one. Only files are held to this; the IR itself still allows an empty list (the
 * engine runs one as an empty success), so CodeWhale documents load unchanged through the API.
 */
export function emptyWorkflowError(spec: WorkflowSpec, document: unknown, source: SpecSource): Diagnostic | undefined {
  if (spec.nodes.length > 0) return undefined;
  const raw = typeof document === 'object' && document !== null && !Array.isArray(document) ? (document as Record<string, unknown>) : {};
  const misspelt = Object.keys(raw).find((key) => !WORKFLOW_KEYS.includes(key) && !UPSTREAM_IGNORED_KEYS.includes(key) && meantKey(key, raw) === 'nodes');
  const position = source.positionOf(misspelt !== undefined ? [misspelt] : ['nodes']) ?? { file: source.file, line: 1, column: 1 };
  const hint = misspelt !== undefined ? `; its nodes are under "${misspelt}", which is not a workflow field: rename it "nodes"` : ': add them under "nodes"';
  return { severity: 'error', code: 'empty-workflow', message: `the workflow has no nodes, so it would run nothing${hint}`, position, field: 'nodes' };
}

function meantKey(key: string, document: Readonly<Record<string, unknown>>): string | undefined {
  const synonym = SYNONYMS[key.toLowerCase()];
  const meant = synonym ?? nearestName(key, WORKFLOW_KEYS);
  // "did you mean nodes?" only helps when the document has no nodes of its own.
  return meant !== undefined && !(meant in document) ? meant : undefined;
}
