import { CfnParameter } from 'aws-cdk-lib';
import { fullDataCapture, governanceFindings, governanceTags, l1Endpoint, L1EndpointOptions, newStack, PackFinding, rulesOn, Verdict, verdictOn } from '../kit';

/** The findings of `rule` on the endpoint config of a plain L1 endpoint built with `options`. */
function onConfig(rule: string, options: L1EndpointOptions): PackFinding[] {
  const stack = newStack();
  const { config } = l1Endpoint(stack, 'E', options);
  const findings = governanceFindings(stack);
  return findings.filter((f) => f.rule === rule && rulesOn([f], config).length > 0);
}

/** The verdict of `rule` on the endpoint config of a plain L1 endpoint built with `options`. */
const reported = (rule: string, options: L1EndpointOptions): Verdict => verdictOn(rule, l1Endpoint(newStack(), 'E', options).config);

describe('GIVEN the rule AiGovernance-EndpointConfigDataCapture and an L1 endpoint config with', () => {
  const rule = 'EndpointConfigDataCapture';
  const capture = (tier: string, dataCaptureConfig: any) => ({ tags: governanceTags(tier), config: { dataCaptureConfig } });
  test('WHEN no DataCaptureConfig THEN it is non-compliant', () => {
    expect(reported(rule, { tags: governanceTags('LOW') })).toBe('non-compliant');
  });
  test('WHEN outputs only THEN it is non-compliant', () => {
    expect(reported(rule, capture('HIGH', { ...fullDataCapture(), captureOptions: [{ captureMode: 'Output' }] }))).toBe('non-compliant');
  });
  test('WHEN no KMS key THEN it is non-compliant', () => {
    expect(reported(rule, capture('HIGH', { ...fullDataCapture(), kmsKeyId: undefined }))).toBe('non-compliant');
  });
  test('WHEN capture switched off THEN it is non-compliant', () => {
    expect(reported(rule, capture('HIGH', { ...fullDataCapture(), enableCapture: false }))).toBe('non-compliant');
  });
  test('WHEN 50% sampling on a HIGH tier endpoint THEN it is non-compliant', () => {
    expect(reported(rule, capture('HIGH', fullDataCapture(50)))).toBe('non-compliant');
  });
  test('WHEN 50% sampling on an endpoint without a tier (treated as HIGH) THEN it is non-compliant', () => {
    expect(reported(rule, { config: { dataCaptureConfig: fullDataCapture(50) } })).toBe('non-compliant');
  });
  test('WHEN 10% sampling on a LOW tier endpoint THEN it is non-compliant', () => {
    expect(reported(rule, capture('LOW', fullDataCapture(10)))).toBe('non-compliant');
  });
  test('WHEN input and output, KMS, 100% on HIGH tier THEN it is compliant', () => {
    expect(reported(rule, capture('HIGH', fullDataCapture(100)))).toBe('compliant');
  });
  test('WHEN 20% on LOW tier THEN it is compliant', () => {
    expect(reported(rule, capture('LOW', fullDataCapture(20)))).toBe('compliant');
  });
  test('WHEN the sampling percentage is a parameter THEN it is not applicable', () => {
    const stack = newStack();
    const sampling = new CfnParameter(stack, 'Sampling', { type: 'Number' }).valueAsNumber;
    expect(verdictOn(rule, l1Endpoint(stack, 'E', capture('HIGH', fullDataCapture(sampling))).config)).toBe('not-applicable');
  });
});

describe('GIVEN the rule AiGovernance-EndpointConfigVolumeKms and an L1 endpoint config with', () => {
  const rule = 'EndpointConfigVolumeKms';
  test('WHEN an ml.m5 fleet without a volume key THEN it is non-compliant', () => {
    expect(reported(rule, { instanceType: 'ml.m5.xlarge' })).toBe('non-compliant');
  });
  test('WHEN a volume key THEN it is compliant', () => {
    expect(reported(rule, { config: { kmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' } })).toBe('compliant');
  });
  test('WHEN an instance-store type (ml.g5) cannot take a key THEN it is not applicable', () => {
    expect(reported(rule, { instanceType: 'ml.g5.xlarge' })).toBe('not-applicable');
  });
});

describe('GIVEN the rule AiGovernance-EndpointConfigInstanceCount and an L1 endpoint config with', () => {
  const rule = 'EndpointConfigInstanceCount';
  test('WHEN one instance on a MEDIUM tier endpoint THEN it is non-compliant', () => {
    expect(reported(rule, { tags: governanceTags('MEDIUM'), instanceCount: 1 })).toBe('non-compliant');
  });
  test('WHEN one instance on an endpoint without a tier THEN it is non-compliant', () => {
    expect(reported(rule, { instanceCount: 1 })).toBe('non-compliant');
  });
  test('WHEN two instances on a HIGH tier endpoint THEN it is compliant', () => {
    expect(reported(rule, { tags: governanceTags('HIGH'), instanceCount: 2 })).toBe('compliant');
  });
  test('WHEN one instance on a LOW tier endpoint THEN it is not applicable (the warning rule judges LOW tier)', () => {
    expect(reported(rule, { tags: governanceTags('LOW'), instanceCount: 1 })).toBe('not-applicable');
  });
  test('WHEN the instance count is a parameter THEN it is not applicable', () => {
    const stack = newStack();
    expect(verdictOn(rule, l1Endpoint(stack, 'E', { instanceCount: new CfnParameter(stack, 'Count', { type: 'Number' }).valueAsNumber }).config)).toBe('not-applicable');
  });
});

describe('GIVEN the rule AiGovernance-EndpointConfigInstanceCountLowTier and an L1 endpoint config with', () => {
  const rule = 'EndpointConfigInstanceCountLowTier';
  test('WHEN one instance on a LOW tier endpoint THEN it is non-compliant, as a warning', () => {
    const findings = onConfig(rule, { tags: governanceTags('LOW'), instanceCount: 1 });
    expect(findings.map((f) => f.severity)).toEqual(['warning']);
  });
  test('WHEN two instances on a LOW tier endpoint THEN it is compliant', () => {
    expect(reported(rule, { tags: governanceTags('LOW'), instanceCount: 2 })).toBe('compliant');
  });
  test('WHEN one instance on a HIGH tier endpoint THEN it is not applicable (the error rule judges HIGH tier)', () => {
    expect(reported(rule, { tags: governanceTags('HIGH'), instanceCount: 1 })).toBe('not-applicable');
  });
});
