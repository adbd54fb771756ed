import { randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIdsOf } from '../../audit/history-json';
import { promoteWorkerVersion } from '../../temporal/worker-deployment';
import { actors } from '../support/actors';
import { TEST_KEYRING } from '../support/payload-keys';
import { startStack, type Stack } from '../support/stack';
import { workflowDriver } from '../support/workflow';

/**
 * Worker Versioning (issue 13, item 3) on a real server: workers announce a Worker Deployment and
 * their build; a dossier is AUTO_UPGRADE, so once the operator makes a new build current it
 * continues on it, and its history names each build that wrote it (the archive keeps them).
 */
let stack: Stack;
const deploymentName = `gplx-test-${randomUUID().slice(0, 8)}`;
const { submit, waitFor, act } = workflowDriver(() => stack);

beforeAll(async () => {
  stack = await startStack('dev-server', { versioning: { deploymentName, buildId: 'build-a' } });
});
afterAll(async () => {
  await stack?.stop();
});

const completedTasks = async (workflowId: string) =>
  ((await stack.env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [])
    .map((e) => e.workflowTaskCompletedEventAttributes)
    .filter((a): a is temporal.api.history.v1.IWorkflowTaskCompletedEventAttributes => Boolean(a));

describe('worker versioning', () => {
  it('runs a dossier AUTO_UPGRADE on its deployment and moves it to the build made current', async () => {
    const h = await submit();
    await waitFor(h, 'AWAITING_RECEIPT');
    const first = await completedTasks(h.workflowId);
    expect(first[0]?.deploymentVersion).toMatchObject({ deploymentName, buildId: 'build-a' });
    expect(first[0]?.versioningBehavior).toBe(temporal.api.enums.v1.VersioningBehavior.VERSIONING_BEHAVIOR_AUTO_UPGRADE);

    // A redeployment: build-b's workers start and are made current; build-a's drain.
    await stack.replaceWorker(TEST_KEYRING, { deploymentName, buildId: 'build-b' });
    const received = await act(h, 'receive', actors.officer, {});
    expect(received.status).toBe('RECEIVED');
    const described = await h.describe();
    expect(described.raw.workflowExecutionInfo?.versioningInfo?.deploymentVersion?.buildId).toBe('build-b');
    const builds = buildIdsOf(await h.fetchHistory());
    expect(builds[0]).toBe('build-a');
    expect(builds.at(-1)).toBe('build-b');

    const routing = await stack.env.connection.workflowService.describeWorkerDeployment({ namespace: 'default', deploymentName });
    expect(routing.workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId).toBe('build-b');
  });

  it('leaves the current version to the operator once there is one (if-none)', async () => {
    const report = await promoteWorkerVersion(stack.env.connection, { namespace: 'default', deploymentName, buildId: 'build-c', promote: 'if-none' });
    expect(report).toEqual({ previous: 'build-b', promoted: false });
    const routing = await stack.env.connection.workflowService.describeWorkerDeployment({ namespace: 'default', deploymentName });
    expect(routing.workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId).toBe('build-b');
  });
});
