import type { Redis } from 'ioredis';

const CORKED = Symbol('whaleflow.corked');

type Corkable = NonNullable<Redis['stream']> & { [CORKED]?: boolean };

/**
 * Holds what `redis` writes until the end of this turn of the event loop (setImmediate) and then
 * sends it as one write. Calls in the same turn share the one cork. Commands keep their order (one
 * socket); only their write syscalls are merged — on a loopback connection each write also wakes
 * Redis, which costs the writer more than building a small command.
 */
export function coalesceWrites(redis: Redis): void {
  const socket = redis.stream as Corkable | undefined;
  if (!socket || socket[CORKED] || typeof socket.cork !== 'function') return;
  socket[CORKED] = true;
  socket.cork();
  setImmediate(() => {
    socket[CORKED] = false;
    socket.uncork();
  });
}
