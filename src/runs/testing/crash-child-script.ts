// A child process for the crash test: runs a wide mock workflow with latency into a SQLite
// trace, exactly as `whaleflow run` does, so the test can kill -9 it mid-run.
// Usage: node --import tsx crash-child-script.ts DB_PATH RUN_ID LEAF_COUNT LATENCY_MS
import { executeWorkflow, systemEnvironment } from '../../engine/index.js';
import { MockLeafRunner, MockModelGateway, parseMockFixture } from '../../leaves/mock/index.js';
import { SqliteTraceStore, TraceSink } from '../../trace/index.js';
import { wideWorkflow } from './wide-workflow.js';

const [databasePath, runId, leafCountText, latencyText] = process.argv.slice(2);
const environment = systemEnvironment();
const fixture = parseMockFixture(`defaults:\n  latency_ms: ${Number(latencyText)}\n`);
const store = new SqliteTraceStore(databasePath!);
const sink = new TraceSink(store);
const leafCount = Number(leafCountText);
await executeWorkflow({
  spec: wideWorkflow(leafCount),
  runId: runId!,
  sink,
  leafRunner: new MockLeafRunner(environment, fixture),
  gateway: new MockModelGateway(environment, fixture),
  environment,
  limits: { maxConcurrentLeaves: 8 },
  validation: { maxAgents: leafCount + 10 },
});
sink.close();
store.close();
