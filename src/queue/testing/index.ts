export { describeLeafQueueConformance, RecordingListener, type LeafQueueHarness, type OpenedLeafQueue } from './leaf-queue-conformance.js';
export { ScriptedLeafRunner } from './scripted-leaf-runner.js';
export { testLeafJob, type TestJobOptions } from './leaf-jobs.js';
export { startTestRedis, redisServerAvailability, type TestRedis } from './test-redis.js';
export { spawnCli, startWorkerProcess, stopWorkers, cliEntry, tsxLoader, type CliProcess, type WorkerProcess } from './worker-process.js';
export { twinsWorkflow, twinsFixtures } from './memo-twins.js';
