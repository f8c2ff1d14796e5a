/**
 * WhaleFlow's Starlark interpreter: the language only (it knows nothing about workflows).
 *
 *   const { globals } = execFile({ filename: 'x.star', source, predeclared: { node: myBuiltin } });
 *
 * Hosts extend the language with Builtin functions (see unpackArgs) and HostValue types.
 */
export { execFile, type ExecFileOptions, type ExecFileResult } from './eval/exec-file.js';
export type { LoadModule } from './eval/compile-statement.js';
export { Thread, DEFAULT_MAX_STEPS, DEFAULT_MAX_VALUE_LENGTH } from './eval/thread.js';
export { MAX_INT_BITS } from './values/int-arithmetic.js';
export { describeValue } from './values/describe-value.js';
export { StarlarkError, type StarlarkErrorKind, type StarlarkCallFrame } from './errors.js';
export {
  StarlarkValue, type Value, type HashKey, type ReprWriter, unhashable,
  None, NoneType, Bool, True, False, Int, Float, Str, Bytes, List, Tuple, Dict, StarlarkSet, Range,
  StarlarkFunction, Builtin, type BuiltinCall, type BuiltinImplementation, type KeywordArguments,
  HostValue, Struct, valuesEqual, compareValues, isIterable, type StarlarkIterator,
} from './values/index.js';
export { unpackArgs, unpackPositional, expectString, expectInt, expectBool, optionalInt, wrongType } from './builtins/unpack-args.js';
export { collectValues } from './eval/iterate.js';
export { toJs, fromJs, type JsValue, type ToJsOptions } from './convert/js-conversion.js';
export { parseFile } from './syntax/parser.js';
export { scan } from './syntax/scanner.js';
export type { Token, TokenKind } from './syntax/token.js';
export { printAst } from './syntax/ast-printer.js';
export { nearestName } from './resolve/nearest-name.js';
