// cdk-nag's flattening is internal to cdk-nag: the library has its own, and this test pins the two together.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import { flattenReference, inCompliancePacks, wildcardResourceFindingId } from '../../lib/policy/nag-findings';

describe('GIVEN resolved CloudFormation values of every shape a policy resource takes', () => {
  const values: unknown[] = [
    'arn:aws:s3:::bucket/*',
    { Ref: 'Bucket1234' },
    { 'Fn::GetAtt': ['Bucket1234', 'Arn'] },
    { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Bucket1234', 'Arn'] }, '/kill-switch/*']] },
    { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:', { Ref: 'AWS::Region' }, ':parameter', { Ref: 'Param' }]] },
    { 'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:*' },
    { 'Fn::ImportValue': 'Platform:ExportsOutputFnGetAttKeyArn' },
    { 'Fn::Join': ['', [{ 'Fn::ImportValue': 'Platform:Bucket' }, '/data-capture/*']] },
    { 'Fn::Join': ['', [{ Ref: 'referencetoPlatformBucketArn' }, '/kill-switch/*']] },
    { 'Fn::Select': [0, ['a', 'b']] },
    undefined,
  ];

  test.each(values.map((v) => [JSON.stringify(v) ?? 'undefined', v]))('WHEN %s is flattened THEN the text is exactly what cdk-nag writes', (_name, value) => {
    expect(flattenReference(value)).toBe(flattenCfnReference(value));
  });

  test('WHEN a wildcard resource finding is named THEN it is AwsSolutions-IAM5 with the flattened ARN', () => {
    expect(wildcardResourceFindingId({ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['B', 'Arn'] }, '/x/*']] })).toBe('AwsSolutions-IAM5[Resource::<B.Arn>/x/*]');
  });

  test('WHEN a compliance rule is named for the three packs that share rule names THEN each pack prefix is used once', () => {
    expect(inCompliancePacks('CloudWatchLogGroupRetentionPeriod')).toEqual([
      'NIST.800.53.R5-CloudWatchLogGroupRetentionPeriod', 'HIPAA.Security-CloudWatchLogGroupRetentionPeriod', 'PCI.DSS.321-CloudWatchLogGroupRetentionPeriod',
    ]);
  });
});
