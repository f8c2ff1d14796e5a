import { describe, expect, test } from 'vitest';
import {
  Builtin, Dict, execFile, expectString, fromJs, HostValue, Int, List, None, type ReprWriter, StarlarkError, Str, Struct,
  toJs, unpackArgs, type Value,
} from './index.js';

function run(source: string, options: Partial<Parameters<typeof execFile>[0]> = {}): ReadonlyMap<string, Value> {
  return execFile({ filename: 'test.star', source, ...options }).globals;
}

function errorOf(action: () => unknown): StarlarkError {
  try {
    action();
  } catch (error) {
    if (error instanceof StarlarkError) return error;
    throw error;
  }
  throw new Error('expected a StarlarkError');
}

/** A host type as the workflow layer would define it: frozen, hashable by identity. */
class WorkflowNode extends HostValue {
  constructor(
    readonly id: string,
    readonly where: string,
  ) {
    super();
  }
  get type(): string {
    return 'workflow_node';
  }
  override attr(name: string): Value | undefined {
    if (name === 'id') return Str.of(this.id);
    if (name === 'where') return Str.of(this.where);
    return undefined;
  }
  override attrNames(): readonly string[] {
    return ['id', 'where'];
  }
  writeRepr(out: ReprWriter): void {
    out.write(`<node ${this.id}>`);
  }
}

const node = new Builtin('node', (call) => {
  const [id, retries] = unpackArgs(call, ['id', 'retries?']);
  expectString(id!, 'id');
  if (retries !== undefined && !(retries instanceof Int)) throw new StarlarkError(`node: retries must be an int, not ${retries.type}`);
  return new WorkflowNode((id as Str).value, `${call.position.file}:${call.position.line}:${call.position.column}`);
});

describe('execFile', () => {
  test('returns frozen globals in definition order, excluding nothing but load bindings', () => {
    const globals = run('b = [1]\na = {"k": b}\ndef f():\n    return 1\n');
    expect([...globals.keys()]).toEqual(['b', 'a', 'f']);
    expect(toJs(globals.get('a')!)).toEqual({ k: [1] });
    const list = globals.get('b') as List;
    expect(list.isFrozen).toBe(true);
  });

  test('frozen globals cannot be mutated by later calls', () => {
    const globals = run('items = []\ndef add(x):\n    items.append(x)\n');
    const add = globals.get('add')!;
    const error = errorOf(() => execFile({ filename: 'second.star', source: 'add(1)\n', predeclared: { add } }));
    expect(error.message).toBe('test.star:3:17: Error in append: cannot append to frozen list');
    expect(error.callStack.map((frame) => `${frame.position.file}:${frame.position.line}`)).toEqual(['second.star:1', 'test.star:3']);
    expect(error.callStack.map((frame) => frame.name)).toEqual(['<toplevel>', 'add']);
  });

  test('print goes to the print callback', () => {
    const lines: string[] = [];
    run('print("a", 1, sep = "-")\nprint()\n', { print: (line) => lines.push(line) });
    expect(lines).toEqual(['a-1', '']);
  });

  test('a host builtin gets keyword arguments and the call-site position', () => {
    const globals = run('n = node("build",\n   retries = 2)\nm = node(id = "test")\n', { predeclared: { node } });
    const built = globals.get('n') as WorkflowNode;
    expect(built.where).toBe('test.star:1:9');
    expect(built.repr()).toBe('<node build>');
    expect(toJs(run('x = [n.id, type(n), dir(n), hasattr(n, "id")]', { predeclared: { n: built } }).get('x')!)).toEqual([
      'build', 'workflow_node', ['id', 'where'], true,
    ]);
  });

  test('host builtin errors are positioned and named', () => {
    const error = errorOf(() => run('node(1)\n', { predeclared: { node } }));
    expect(error.message).toBe("test.star:1:5: Error in node: for parameter id: got value of type 'int', want string");
    expect(errorOf(() => run('node("a", retry = 1)\n', { predeclared: { node } })).reason).toContain("unexpected keyword argument 'retry'");
    expect(errorOf(() => run('node()\n', { predeclared: { node } })).reason).toContain('missing argument for id');
  });

  test('host values hash by identity and can be dict keys', () => {
    const a = new WorkflowNode('a', '');
    const result = run('d = {a: 1}\nok = d[a] == 1 and a == a', { predeclared: { a } });
    expect(result.get('ok')!.truth()).toBe(true);
  });

  test('a struct namespace exposes builtins as attributes', () => {
    const ctx = new Struct({ node, version: Str.of('1') }, 'ctx');
    const globals = run('n = ctx.node("x")\nv = ctx.version\nr = repr(ctx)[:4]\n', { predeclared: { ctx } });
    expect((globals.get('n') as WorkflowNode).id).toBe('x');
    expect(toJs(globals.get('r')!)).toBe('ctx(');
    expect(errorOf(() => run('ctx.nope', { predeclared: { ctx } })).reason).toBe("'ctx' value has no field or method 'nope'");
  });

  test('static errors are all collected as diagnostics', () => {
    const error = errorOf(() => run('a = b\nc = d\n'));
    expect(error.kind).toBe('resolve');
    expect(error.diagnostics.map((diagnostic) => diagnostic.position?.line)).toEqual([1, 2]);
    expect(error.name).toBe('StarlarkError');
  });

  test('the step budget stops runaway computation with a clear error', () => {
    const error = errorOf(() => run('def f():\n    for i in range(1000000):\n        pass\nf()\n', { maxSteps: 10_000 }));
    expect(error.kind).toBe('step-budget');
    expect(error.message).toMatch(/^test\.star:2:\d+: step budget exceeded: more than 10000 steps/);
  });

  test('an aborted signal cancels execution', () => {
    const controller = new AbortController();
    controller.abort(new Error('user pressed Ctrl-C'));
    expect(errorOf(() => run('x = 1', { signal: controller.signal })).kind).toBe('cancelled');
    const late = new AbortController();
    const stop = new Builtin('stop', () => (late.abort(), None));
    const error = errorOf(() => run('def f():\n    stop()\n    for i in range(100000):\n        pass\nf()\n', { predeclared: { stop }, signal: late.signal }));
    expect(error.kind).toBe('cancelled');
  });

  test('onRunning is called once, when the program has taken 1,024 steps, and never for a shorter one', () => {
    let calls = 0;
    const onRunning = () => (calls += 1);
    run('x = 1\nprint(x)\n', { onRunning });
    expect(calls).toBe(0);
    const globals = run('def f():\n    n = 0\n    for i in range(5000):\n        n += i\n    return n\nx = f()\n', { onRunning });
    expect(calls).toBe(1);
    expect(toJs(globals.get('x')!)).toBe(12_497_500);
  });

  test('load statements use the host loader', () => {
    const globals = run('load("lib.star", "x", y = "z")\nsum = x + y\n', {
      load: (module) => {
        expect(module).toBe('lib.star');
        return new Map<string, Value>([['x', Int.of(1)], ['z', Int.of(2)]]);
      },
    });
    expect([...globals.keys()]).toEqual(['sum']);
    expect(toJs(globals.get('sum')!)).toBe(3);
  });

  test('deep nesting becomes a StarlarkError, not a JS crash', () => {
    const error = errorOf(() => run(`x = ${'['.repeat(5000)}${']'.repeat(5000)}\n`));
    expect(error).toBeInstanceOf(StarlarkError);
  });
});

describe('toJs and fromJs', () => {
  test('round-trip plain data', () => {
    const data = { a: [1, 2.5, 'x', null, true], b: { c: 9007199254740993n }, d: new Uint8Array([1]) };
    expect(toJs(fromJs(data))).toEqual(data);
  });

  test('dicts with non-string keys become Maps; tuples become arrays; sets stay sets', () => {
    const globals = run('d = {1: (2, 3)}\ns = set([1])\n');
    expect(toJs(globals.get('d')!)).toEqual(new Map([[1, [2, 3]]]));
    expect(toJs(globals.get('s')!)).toEqual(new Set([1]));
    expect(toJs(run('d = {"a": 1}').get('d')!, { dicts: 'map' })).toEqual(new Map([['a', 1]]));
    expect(fromJs(new Map([[1, 'a']]))).toBeInstanceOf(Dict);
  });
});
