import { Bool, Dict, Float, Int, List, NoneType, Str, StarlarkError, Tuple, toJs, wrongType, type Value } from '../../starlark/index.js';
import { WorkflowNode } from './workflow-node.js';

/**
 * Converters from Starlark argument values to IR field values. Each names the parameter in
 * its error, in the interpreter's style: `for parameter prompt: got value of type 'int', want string`.
 */
export type Converter = (value: Value, parameter: string) => unknown;

export const asString: Converter = (value, parameter) => {
  if (value instanceof Str) return value.value;
  throw wrongType(parameter, value, 'string');
};

export const asBool: Converter = (value, parameter) => {
  if (value instanceof Bool) return value.value;
  throw wrongType(parameter, value, 'bool');
};

export const asInt: Converter = (value, parameter) => {
  if (value instanceof Int) return toSafeNumber(value, parameter);
  throw wrongType(parameter, value, 'int');
};

export const asNumber: Converter = (value, parameter) => {
  if (value instanceof Int) return toSafeNumber(value, parameter);
  if (value instanceof Float) return value.value;
  throw wrongType(parameter, value, 'int or float');
};

function toSafeNumber(value: Int, parameter: string): number {
  const number = Number(value.value);
  if (!Number.isSafeInteger(number)) throw new StarlarkError(`for parameter ${parameter}: ${value.repr()} is too large`);
  return number;
}

function elementsOf(value: Value, parameter: string, want: string): readonly Value[] {
  if (value instanceof List || value instanceof Tuple) return value.elements;
  throw wrongType(parameter, value, want);
}

export const asStringList: Converter = (value, parameter) =>
  elementsOf(value, parameter, 'list of strings').map((element, index) => asString(element, `${parameter}[${index}]`));

/** A reference: a node value or its id string (e.g. `depends_on_results = [scan, "lint"]`). */
export const asReference: Converter = (value, parameter) => {
  if (value instanceof WorkflowNode) return value.id;
  if (value instanceof Str) return value.value;
  throw wrongType(parameter, value, 'workflow_node or id string');
};

export const asReferenceList: Converter = (value, parameter) =>
  elementsOf(value, parameter, 'list of workflow_node or id strings').map((element, index) => asReference(element, `${parameter}[${index}]`));

export const asNode: Converter = (value, parameter) => {
  if (value instanceof WorkflowNode) return value;
  throw wrongType(parameter, value, 'workflow_node');
};

export const asNodeList: Converter = (value, parameter) =>
  elementsOf(value, parameter, 'list of workflow_node').map((element, index) => asNode(element, `${parameter}[${index}]`));

/** A string from a fixed set, after aliases (e.g. `explorer` → `explore`). */
export function asEnum(values: readonly string[], aliases: Readonly<Record<string, string>> = {}): Converter {
  return (value, parameter) => {
    const text = asString(value, parameter) as string;
    const canonical = Object.hasOwn(aliases, text) ? aliases[text]! : text;
    if (values.includes(canonical)) return canonical;
    throw new StarlarkError(`for parameter ${parameter}: got ${JSON.stringify(text)}, want one of ${values.map((v) => JSON.stringify(v)).join(', ')}`);
  };
}

/** A dict with string keys, as plain data; the IR schema checks its fields. */
export const asRecord: Converter = (value, parameter) => {
  if (!(value instanceof Dict)) throw wrongType(parameter, value, 'dict');
  return dictToRecord(value, parameter);
};

function dictToRecord(dict: Dict, parameter: string): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const entry of dict.table.entries()) {
    if (!(entry.key instanceof Str)) throw new StarlarkError(`for parameter ${parameter}: keys must be strings, got ${entry.key.type}`);
    const item = entry.value;
    const key = `${parameter}[${JSON.stringify(entry.key.value)}]`;
    const plain = item instanceof WorkflowNode ? item.id : item instanceof Dict ? dictToRecord(item, key) : toPlain(item, key);
    Object.defineProperty(record, entry.key.value, { value: plain, enumerable: true, writable: true, configurable: true });
  }
  return record;
}

function toPlain(value: Value, parameter: string): unknown {
  if (value instanceof NoneType) return null;
  if (value instanceof List || value instanceof Tuple) return value.elements.map((element, index) => (element instanceof WorkflowNode ? element.id : toPlain(element, `${parameter}[${index}]`)));
  if (value instanceof Dict) return dictToRecord(value, parameter);
  const plain = toJs(value);
  if (plain === null || ['string', 'number', 'boolean'].includes(typeof plain)) return plain;
  if (typeof plain === 'bigint') throw new StarlarkError(`for parameter ${parameter}: ${value.repr()} is too large`);
  throw wrongType(parameter, value, 'plain data (string, number, bool, list, dict)');
}

/**
 * A leaf's `memory`: a list of memory nodes (or their ids) it reads, or the full declaration
 * `{"contexts": [...], "access": "write", "role": "...", "max_sub_queries": n}`.
 */
export const asLeafMemory: Converter = (value, parameter) => {
  if (value instanceof List || value instanceof Tuple) return { contexts: asReferenceList(value, parameter) };
  if (value instanceof Dict) return asRecord(value, parameter);
  throw wrongType(parameter, value, 'list of memory nodes, or dict {"contexts": [...], "access": "read" | "write"}');
};

/** `{"tests_pass": [test_node, "id"]}` or `{"judge": "question"}`: a structured loop/cond condition. */
export const asCondition: Converter = (value, parameter) => {
  if (!(value instanceof Dict)) throw wrongType(parameter, value, 'dict such as {"tests_pass": [...]} or {"judge": "..."}');
  const keys = [...value.table.keys()].map((key) => (key instanceof Str ? key.value : key.repr()));
  if (keys.length === 1 && keys[0] === 'tests_pass') return { tests_pass: asReferenceList(value.get(Str.of('tests_pass'))!, `${parameter}["tests_pass"]`) };
  if (keys.length === 1 && keys[0] === 'judge') return { judge: asString(value.get(Str.of('judge'))!, `${parameter}["judge"]`) };
  throw new StarlarkError(`for parameter ${parameter}: want {"tests_pass": [...]} or {"judge": "..."}, got keys ${keys.join(', ') || '(none)'}`);
};

/** Pareto objectives: dicts `{"metric": "cost", "direction": "min"}` or pairs `("cost", "min")`. */
export const asObjectives: Converter = (value, parameter) =>
  elementsOf(value, parameter, 'list of objectives').map((element, index) => {
    const name = `${parameter}[${index}]`;
    if (element instanceof Dict) return asRecord(element, name);
    if (element instanceof Tuple && element.elements.length === 2) {
      return { metric: asString(element.elements[0]!, `${name}[0]`), direction: asString(element.elements[1]!, `${name}[1]`) };
    }
    throw wrongType(name, element, 'dict {"metric": ..., "direction": ...} or a (metric, direction) pair');
  });
