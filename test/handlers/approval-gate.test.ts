import { DescribeModelPackageCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { existsSync } from 'node:fs';
import * as source from '../../lib/handlers/approval-gate';
import { bundlePath, ensureBundles } from '../helpers/builds';
import { StubServer } from '../helpers/stub-server';

const ARN = 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/fraud/7';
const BUNDLE = bundlePath('approval-gate');

function event(requestType: source.GateEvent['RequestType'], url = 'https://example.invalid/response'): source.GateEvent {
  return {
    RequestType: requestType, ResponseURL: url, StackId: 'stack', RequestId: 'req-1', LogicalResourceId: 'Gate',
    PhysicalResourceId: requestType === 'Create' ? undefined : ARN, ResourceProperties: { ModelPackageArn: ARN },
  };
}

beforeAll(() => {
  // The deployed code is the esbuild bundle: rebuild it when it lags behind the source.
  ensureBundles();
  expect(existsSync(BUNDLE)).toBe(true);
});

describe.each([
  ['source', () => source],
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  ['esbuild bundle', () => require(BUNDLE) as typeof source],
])('GIVEN the approval gate handler (%s)', (_name, load) => {
  // The bundle carries its own copy of the SDK, so commands are matched by input, not by class.
  const sm = mockClient(SageMakerClient);
  beforeEach(() => sm.reset());
  const describedPackages = () => sm.calls().map((c) => (c.args[0] as DescribeModelPackageCommand).input.ModelPackageName);

  test.each(['Create', 'Update'] as const)('WHEN a %s finds the package Approved THEN it succeeds', async (type) => {
    sm.onAnyCommand().resolves({ ModelApprovalStatus: 'Approved' });
    const r = await load().decide(event(type), new SageMakerClient({}));
    expect(describedPackages()).toEqual([ARN]);
    expect(r).toEqual(expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: ARN, Data: { ModelApprovalStatus: 'Approved' } }));
  });

  test.each(['PendingManualApproval', 'Rejected'])('WHEN the package is %s THEN it fails the deployment and says how to fix it', async (status) => {
    sm.onAnyCommand().resolves({ ModelApprovalStatus: status as 'Rejected' });
    const r = await load().decide(event('Create'), new SageMakerClient({}));
    expect(r.Status).toBe('FAILED');
    expect(r.Reason).toContain(`ModelApprovalStatus ${status}`);
    expect(r.Reason).toContain('Approve it in the SageMaker Model Registry');
  });

  test('WHEN the package cannot be read THEN it fails closed', async () => {
    sm.onAnyCommand().rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));
    const r = await load().decide(event('Update'), new SageMakerClient({}));
    expect(r.Status).toBe('FAILED');
    expect(r.Reason).toMatch(/AccessDeniedException: User is not authorized.*failing closed/);
  });

  test('WHEN a Delete arrives THEN it succeeds and keeps the physical ID, without calling SageMaker', async () => {
    const r = await load().decide(event('Delete'), new SageMakerClient({}));
    expect(r).toEqual(expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: ARN }));
    expect(sm.calls()).toHaveLength(0);
  });

  test('WHEN it sends its decision THEN the CloudFormation response URL receives it as JSON', async () => {
    // GIVEN a local stand-in for the pre-signed response URL
    const received = await StubServer.using(() => ({ status: 200 }), async (cloudformation) => {
      // WHEN the gate sends a decision
      await load().send(`${cloudformation.url}/cfn-response`, { Status: 'FAILED', Reason: 'not approved', PhysicalResourceId: ARN, StackId: 's', RequestId: 'r', LogicalResourceId: 'Gate' });
      return cloudformation.received;
    });
    // THEN CloudFormation receives it as JSON, with a PUT
    expect(received.map((r) => r.method)).toEqual(['PUT']);
    expect(JSON.parse(received[0].body)).toEqual(expect.objectContaining({ Status: 'FAILED', Reason: 'not approved', PhysicalResourceId: ARN }));
  });
});
