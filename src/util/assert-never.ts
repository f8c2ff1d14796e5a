/** Ends an exhaustive switch: the compiler rejects the call when a union member is unhandled. */
export function assertNever(value: never, context = 'value'): never {
  throw new Error(`unexpected ${context}: ${JSON.stringify(value)}`);
}
