// The BullMQ transport: the coordinator's queue and the worker process's loop, over Redis.
export { BullmqLeafQueue, type BullmqLeafQueueOptions } from './bullmq-leaf-queue.js';
export { BullmqLeafWorker, type BullmqLeafWorkerOptions } from './bullmq-leaf-worker.js';
export { listWorkers, WORKER_STALE_MS, type WorkerInfo } from './worker-registry.js';
export { parseRedisUrl, type RedisAddress } from './redis-url.js';
export { openRedis } from './open-redis.js';
export { queueKeys, QUEUE_PREFIX } from './queue-keys.js';
