/**
 * Zod schemas built the first time something uses them, not when their module loads: the IR's
 * cost every `whaleflow run` ~8 ms at start (78 M instructions), though a run reads its workflow
 * with the hand reader (src/ir/read-common-spec.ts), which asks zod only when unsure; a mock
 * fixture's and a generated plan's were built too.
 *
 * A schema file builds its schemas together in one function (`once`), where they refer to each
 * other directly, and exports each one as `lazySchema(() => group().Name)`: an object that
 * builds the group on first touch and then answers as the schema itself (parse, safeParse,
 * shape, options, a test's spy...). Only callers outside the group go through that stand-in,
 * once per call; no schema holds a stand-in inside it, so a parse costs what it did.
 */
export function once<T>(build: () => T): () => T {
  let built: { readonly value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}

/** A stand-in for the object `build` returns, built on first use (see above). */
export function lazySchema<T extends object>(build: () => T): T {
  const real = once(build);
  return new Proxy({} as T, {
    get: (_, key) => Reflect.get(real(), key),
    set: (_, key, value) => Reflect.set(real(), key, value),
    has: (_, key) => Reflect.has(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (target, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
      // A proxy may call a property non-configurable only if its target has it so.
      if (descriptor && !descriptor.configurable && !Reflect.getOwnPropertyDescriptor(target, key)) Reflect.defineProperty(target, key, descriptor);
      return descriptor;
    },
    defineProperty: (_, key, descriptor) => Reflect.defineProperty(real(), key, descriptor),
    deleteProperty: (_, key) => Reflect.deleteProperty(real(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
}
