import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { ExampleStack } from '../../bin/example-stack';

/** Resource types that hold data or identity: replacing one loses evidence or breaks callers. */
const STATEFUL_TYPES = ['AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::Logs::LogGroup', 'AWS::SageMaker::Endpoint', 'AWS::SNS::Topic', 'AWS::SSM::Parameter'];

describe('the example app', () => {
  test('keeps the logical IDs of its stateful resources across versions', () => {
    // GIVEN the example stack as `npx cdk synth` builds it
    const stack = new ExampleStack(new App(), 'GovernedEndpointExample');
    // WHEN we list every stateful resource by construct path
    const ids = Object.fromEntries(stack.node.findAll()
      .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && STATEFUL_TYPES.includes(c.cfnResourceType))
      .map((c) => [c.node.path, `${c.cfnResourceType} ${Stack.of(c).getLogicalId(c)}`]));
    // THEN they match the committed snapshot: a change here replaces a bucket, key, log group or endpoint on deploy.
    // Update the snapshot (npx jest -u) only with a migration note in the changelog.
    expect(ids).toMatchSnapshot();
  });

  test('retains every stateful resource when the stack or the resource is deleted', () => {
    const template = Template.fromStack(new ExampleStack(new App(), 'GovernedEndpointExample'));
    for (const type of ['AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::Logs::LogGroup']) {
      for (const [id, r] of Object.entries(template.findResources(type)) as [string, any][]) {
        expect({ id, deletion: r.DeletionPolicy, replace: r.UpdateReplacePolicy }).toEqual({ id, deletion: 'Retain', replace: 'Retain' });
      }
    }
  });
});

test('the example app synthesizes without warnings', () => {
  // GIVEN the example stack
  const stack = new ExampleStack(new App(), 'GovernedEndpointExample');
  // THEN no construct carries a warning a pipeline would have to read past
  expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
});
