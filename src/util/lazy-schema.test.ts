import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { lazySchema, once } from './lazy-schema.js';

describe('lazySchema', () => {
  it('builds nothing until the schema is first used, then builds once', () => {
    const build = vi.fn(() => z.object({ name: z.string() }));
    const schema = lazySchema(build);
    expect(build).not.toHaveBeenCalled();
    expect(schema.parse({ name: 'a' })).toEqual({ name: 'a' });
    expect(schema.safeParse({ name: 1 }).success).toBe(false);
    expect(build).toHaveBeenCalledTimes(1);
  });

  it('answers as the schema itself: errors, shape, prototype, a spy, use inside another schema', () => {
    const real = z.object({ name: z.string(), count: z.number().int().default(0) });
    const schema = lazySchema(() => real);
    expect(schema.safeParse({ name: 2 })).toEqual(real.safeParse({ name: 2 }));
    expect(Object.keys(schema.shape)).toEqual(['name', 'count']);
    expect(schema instanceof z.ZodObject).toBe(true);
    expect(Object.getOwnPropertyDescriptor(schema, '_zod')).toEqual(Object.getOwnPropertyDescriptor(real, '_zod'));
    const spy = vi.spyOn(schema, 'safeParse');
    schema.safeParse({ name: 'x' });
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
    expect(z.array(schema).parse([{ name: 'y' }])).toEqual([{ name: 'y', count: 0 }]);
  });

  it('once: one value, built on the first call', () => {
    let calls = 0;
    const value = once(() => ({ built: (calls += 1) }));
    expect(calls).toBe(0);
    expect(value()).toBe(value());
    expect(calls).toBe(1);
  });
});
