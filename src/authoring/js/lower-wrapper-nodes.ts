import type { DocumentPath, SpecSource } from '../../ir/index.js';
import type { Diagnostic, SourcePosition } from '../../util/index.js';
import { describeLiteral, entryOf, type Literal, type LiteralObject } from './literal.js';
import { shorthandLeafFields, shorthandTextField, type LeafShorthand } from '../leaf-shorthands.js';

/** The node wrappers of declarative JS/TS files and the IR kind each one lowers to. */
export const WRAPPER_KINDS = {
  agent: 'leaf',
  search: 'leaf',
  test: 'leaf',
  shell: 'leaf',
  branch: 'branch_set',
  sequence: 'sequence',
  reduce: 'reduce',
  teacher_review: 'teacher_review',
  tournament: 'tournament',
  pareto: 'pareto',
  loop_until: 'loop_until',
  cond: 'cond',
  expand: 'expand',
  memory: 'memory',
} as const;

/** The source fields a `{memory: {...}}` wrapper may give directly instead of inside `source`. */
const MEMORY_SOURCE_FIELDS = ['files', 'command', 'node', 'document'] as const;
export type WrapperName = keyof typeof WRAPPER_KINDS;

const CHILD_LIST_FIELDS: ReadonlySet<string> = new Set(['children', 'then_nodes', 'else_nodes']);

function isWrapperName(name: string): name is WrapperName {
  return Object.hasOwn(WRAPPER_KINDS, name);
}

function isShorthand(name: WrapperName): name is LeafShorthand {
  return name === 'search' || name === 'test' || name === 'shell';
}

type Raw = Record<string, unknown>;

/**
 * Lowers the literal argument of `workflow({...})` to the raw IR document: node wrappers
 * (`{agent: {...}}`, `{branch: {...}}`…) become `{kind, spec}` nodes, and every part's
 * position is recorded in `source` under the path it ends up at.
 */
export function lowerWorkflowLiteral(literal: Literal, source: SpecSource, diagnostics: Diagnostic[]): unknown {
  return new WrapperLowering(source, diagnostics).document(literal);
}

class WrapperLowering {
  constructor(
    private readonly source: SpecSource,
    private readonly diagnostics: Diagnostic[],
  ) {}

  document(literal: Literal): unknown {
    this.source.record([], literal.position);
    if (literal.kind !== 'object') return this.fail(literal.position, `workflow({...}) takes an object with a "goal" and "nodes", not ${describeLiteral(literal)}`);
    const document: Raw = {};
    for (const entry of literal.entries) {
      this.source.record([entry.key], entry.keyPosition);
      define(document, entry.key, entry.key === 'nodes' ? this.nodeList(entry.value, ['nodes']) : this.plain(entry.value, [entry.key]));
    }
    return document;
  }

  private nodeList(literal: Literal, path: DocumentPath): unknown {
    if (literal.kind !== 'array') return this.plain(literal, path);
    return literal.elements.map((element, index) => this.node(element, [...path, index]));
  }

  private node(literal: Literal, path: DocumentPath): unknown {
    this.source.record(path, literal.position);
    if (literal.kind !== 'object') {
      return this.fail(literal.position, `a node is an object such as {agent: {...}} or {kind: ..., spec: {...}}, not ${describeLiteral(literal)}`);
    }
    if (entryOf(literal, 'kind')) return this.rawNode(literal, path);
    if (literal.entries.length !== 1) {
      const keys = literal.entries.map((entry) => `"${entry.key}"`).join(', ') || 'no keys';
      return this.fail(literal.position, `a node is one wrapper such as {agent: {...}}, but this object has ${keys}`);
    }
    const [wrapper] = literal.entries;
    if (!isWrapperName(wrapper.key)) {
      return this.fail(wrapper.keyPosition, `unknown node wrapper "${wrapper.key}" (expected one of ${Object.keys(WRAPPER_KINDS).join(', ')}, or {kind, spec})`);
    }
    this.source.record([...path, 'kind'], wrapper.keyPosition);
    if (wrapper.value.kind !== 'object') return this.fail(wrapper.value.position, `${wrapper.key} takes an object of fields, not ${describeLiteral(wrapper.value)}`);
    return { kind: WRAPPER_KINDS[wrapper.key], spec: this.wrapperSpec(wrapper.key, wrapper.value, [...path, 'spec']) };
  }

  private rawNode(literal: LiteralObject, path: DocumentPath): unknown {
    const node: Raw = {};
    for (const entry of literal.entries) {
      this.source.record([...path, entry.key], entry.keyPosition);
      if (entry.key === 'spec' && entry.value.kind === 'object') node.spec = this.spec(entry.value, [...path, 'spec']);
      else if (entry.key === 'kind' || entry.key === 'spec') node[entry.key] = this.plain(entry.value, [...path, entry.key]);
      else this.fail(entry.keyPosition, `a {kind, spec} node has no field "${entry.key}"`);
    }
    return node;
  }

  private wrapperSpec(wrapper: WrapperName, literal: LiteralObject, path: DocumentPath): Raw {
    const spec = this.spec(literal, path);
    if (wrapper === 'branch' && !('parallel' in spec)) spec.parallel = true;
    if (wrapper === 'memory') this.liftMemorySource(spec, path);
    if (isShorthand(wrapper)) this.applyShorthand(wrapper, literal, spec, path);
    return spec;
  }

  /** `{memory: {id, files: [...]}}` is `{memory: {id, source: {files: [...]}}}`; positions move with the fields. */
  private liftMemorySource(spec: Raw, path: DocumentPath): void {
    const given = MEMORY_SOURCE_FIELDS.filter((field) => Object.hasOwn(spec, field));
    if (given.length === 0 || Object.hasOwn(spec, 'source')) return; // the schema reports a mix
    const source: Raw = {};
    for (const field of given) {
      const value = spec[field];
      define(source, field, value);
      delete spec[field];
      this.copyPosition([...path, field], [...path, 'source', field]);
      if (Array.isArray(value)) value.forEach((_, index) => this.copyPosition([...path, field, index], [...path, 'source', field, index]));
    }
    this.copyPosition([...path, given[0]!], [...path, 'source']);
    define(spec, 'source', source);
  }

  private copyPosition(from: DocumentPath, to: DocumentPath): void {
    const position = this.source.positionOf(from);
    if (position) this.source.record(to, position);
  }

  /** `{search: {query}}` → an explore leaf; `{test|shell: {command}}` → a verifier leaf that runs it. */
  private applyShorthand(shorthand: LeafShorthand, literal: LiteralObject, spec: Raw, path: DocumentPath): void {
    const textField = shorthandTextField(shorthand);
    for (const field of ['prompt', 'agent_type'] as const) {
      const given = entryOf(literal, field);
      if (given) this.fail(given.keyPosition, `${shorthand} builds its own ${field} from "${textField}"; use {agent: {...}} to write one`);
    }
    const text = entryOf(literal, textField);
    if (!text || text.value.kind !== 'scalar' || typeof text.value.value !== 'string') {
      this.fail(text?.value.position ?? literal.position, `${shorthand} needs "${textField}" as a string`);
      return;
    }
    const fields = shorthandLeafFields(shorthand, text.value.value);
    if (textField === 'query') delete spec.query;
    spec.prompt = fields.prompt;
    spec.agent_type = fields.agent_type;
    if (fields.command !== undefined) spec.command = fields.command;
    this.source.record([...path, 'prompt'], text.value.position);
  }

  private spec(literal: LiteralObject, path: DocumentPath): Raw {
    this.source.record(path, literal.position);
    const spec: Raw = {};
    for (const entry of literal.entries) {
      const fieldPath = [...path, entry.key];
      this.source.record(fieldPath, entry.keyPosition);
      let value: unknown;
      if (CHILD_LIST_FIELDS.has(entry.key)) value = this.nodeList(entry.value, fieldPath);
      else if (entry.key === 'template' && entry.value.kind === 'object') value = this.node(entry.value, fieldPath);
      else value = this.plain(entry.value, fieldPath);
      define(spec, entry.key, value);
    }
    return spec;
  }

  /** Plain data, recording where each part sits. */
  private plain(literal: Literal, path: DocumentPath): unknown {
    switch (literal.kind) {
      case 'scalar':
        return literal.value;
      case 'array':
        return literal.elements.map((element, index) => {
          this.source.record([...path, index], element.position);
          return this.plain(element, [...path, index]);
        });
      case 'object': {
        const object: Raw = {};
        for (const entry of literal.entries) {
          this.source.record([...path, entry.key], entry.keyPosition);
          define(object, entry.key, this.plain(entry.value, [...path, entry.key]));
        }
        return object;
      }
    }
  }

  private fail(position: SourcePosition, message: string): undefined {
    this.diagnostics.push({ severity: 'error', code: 'js-workflow-shape', message, position });
    return undefined;
  }
}

/** An own data property, so a key named "__proto__" stays plain data. */
function define(object: Raw, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}
