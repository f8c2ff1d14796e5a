import { describe, expect, it } from 'vitest';
import { MockLeafRunner, MockModelGateway } from '../../leaves/mock/index.js';
import { executeWorkflow } from '../execute-workflow.js';
import { MemoryEventSink } from '../memory-event-sink.js';
import { DEFAULT_PERMISSION_GRANT, grantFromFlags, PermissionRefusedError, preflightPermissions } from '../permissions/index.js';
import { VirtualEnvironment } from '../testing/virtual-environment.js';
import { branch, leaf, runMock, spec } from './harness.js';

const workflow = spec({
  goal: 'g',
  nodes: [
    leaf('writer', { mode: 'read_write' }),
    leaf('fetcher', { permissions: { allow_network: true } }),
    leaf('tests', { agent_type: 'verifier', command: 'npm test' }),
    branch('par', [leaf('w1', { mode: 'read_write', file_scope: ['src/a/**'] }), leaf('w2', { mode: 'read_write', isolation: 'worktree' })]),
  ],
});

async function refusal(grant: Parameters<typeof grantFromFlags>[0]): Promise<PermissionRefusedError> {
  const environment = new VirtualEnvironment();
  const sink = new MemoryEventSink();
  const error = await executeWorkflow({
    spec: workflow,
    runId: 'r',
    sink,
    environment,
    leafRunner: new MockLeafRunner(environment),
    gateway: new MockModelGateway(environment),
    grant: grantFromFlags(grant),
  }).catch((caught: unknown) => caught);
  expect(sink.events).toEqual([]);
  expect(error).toBeInstanceOf(PermissionRefusedError);
  return error as PermissionRefusedError;
}

describe('permission pre-flight', () => {
  it('lists writes (in worktrees by default), commands and network', () => {
    const plan = preflightPermissions(workflow, grantFromFlags({ allowNetwork: true }));
    expect(plan.refusals).toEqual([]);
    expect(plan.writes.map((write) => [write.nodeId, write.isolation])).toEqual([
      ['writer', 'worktree'],
      ['w1', 'worktree'],
      ['w2', 'worktree'],
    ]);
    expect(plan.commands).toEqual([{ nodeId: 'tests', command: 'npm test' }]);
    expect(plan.network).toEqual(['fetcher']);
  });

  it('with --allow-write-tree a sequential writer writes the working tree; parallel writers stay isolated', () => {
    const plan = preflightPermissions(workflow, grantFromFlags({ allowNetwork: true, allowWriteTree: true }));
    expect(plan.writes.map((write) => [write.nodeId, write.isolation])).toEqual([
      ['writer', 'shared'],
      ['w1', 'worktree'],
      ['w2', 'worktree'],
    ]);
  });

  it('refuses to start without network, naming the node, and emits nothing', async () => {
    const error = await refusal({});
    expect(error.refusals).toEqual([{ nodeId: 'fetcher', message: expect.stringContaining('network') }]);
    expect(error.message).toContain('node "fetcher"');
  });

  it('--read-only refuses every writer', async () => {
    const error = await refusal({ readOnly: true, allowNetwork: true });
    expect(error.refusals.map((item) => item.nodeId)).toEqual(['writer', 'w1', 'w2']);
  });

  it('an explicit command list refuses commands outside it', async () => {
    const error = await refusal({ allowNetwork: true, allowedCommands: ['make test'] });
    expect(error.refusals).toEqual([{ nodeId: 'tests', message: expect.stringContaining('"npm test"') }]);
  });

  it('gives each leaf its effective permissions', async () => {
    const run = await runMock(spec({ goal: 'g', nodes: [branch('par', [leaf('w', { mode: 'read_write', file_scope: ['src/**'] })])] }), { grant: DEFAULT_PERMISSION_GRANT });
    expect(run.byId('w').details).toMatchObject({ isolation: 'worktree' });
  });

  it('names every leaf that inherits a network need, not just the first', () => {
    const networked = spec({ goal: 'g', nodes: [branch('net', [leaf('x'), leaf('y')], { permissions: { allow_network: true } })] });
    const plan = preflightPermissions(networked, DEFAULT_PERMISSION_GRANT);
    expect(plan.refusals.map((refusal) => refusal.nodeId)).toEqual(['x', 'y']);
    expect(preflightPermissions(networked, grantFromFlags({ allowNetwork: true })).network).toEqual(['x', 'y']);
  });
});
