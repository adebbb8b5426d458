import { fullDataCapture, governanceFindings, governanceTags, l1Endpoint, L1EndpointOptions, newStack, PackFinding, rulesOn } from '../kit';

/** The findings of `rule` on the endpoint config of a plain L1 endpoint built with `options`. */
function onConfig(rule: string, options: L1EndpointOptions): PackFinding[] {
  const stack = newStack();
  const { config } = l1Endpoint(stack, 'E', options);
  const findings = governanceFindings(stack);
  return findings.filter((f) => f.rule === rule && rulesOn([f], config).length > 0);
}

const reported = (rule: string, options: L1EndpointOptions) => onConfig(rule, options).length > 0;

describe('AiGovernance-EndpointConfigDataCapture', () => {
  const rule = 'EndpointConfigDataCapture';
  const capture = (tier: string, dataCaptureConfig: any) => ({ tags: governanceTags(tier), config: { dataCaptureConfig } });
  test('Noncompliance: no DataCaptureConfig', () => {
    expect(reported(rule, { tags: governanceTags('LOW') })).toBe(true);
  });
  test('Noncompliance: outputs only', () => {
    expect(reported(rule, capture('HIGH', { ...fullDataCapture(), captureOptions: [{ captureMode: 'Output' }] }))).toBe(true);
  });
  test('Noncompliance: no KMS key', () => {
    expect(reported(rule, capture('HIGH', { ...fullDataCapture(), kmsKeyId: undefined }))).toBe(true);
  });
  test('Noncompliance: capture switched off', () => {
    expect(reported(rule, capture('HIGH', { ...fullDataCapture(), enableCapture: false }))).toBe(true);
  });
  test('Noncompliance: 50% sampling on a HIGH tier endpoint', () => {
    expect(reported(rule, capture('HIGH', fullDataCapture(50)))).toBe(true);
  });
  test('Noncompliance: 50% sampling on an endpoint without a tier (treated as HIGH)', () => {
    expect(reported(rule, { config: { dataCaptureConfig: fullDataCapture(50) } })).toBe(true);
  });
  test('Noncompliance: 10% sampling on a LOW tier endpoint', () => {
    expect(reported(rule, capture('LOW', fullDataCapture(10)))).toBe(true);
  });
  test('Compliance: input and output, KMS, 100% on HIGH tier', () => {
    expect(reported(rule, capture('HIGH', fullDataCapture(100)))).toBe(false);
  });
  test('Compliance: 20% on LOW tier', () => {
    expect(reported(rule, capture('LOW', fullDataCapture(20)))).toBe(false);
  });
});

describe('AiGovernance-EndpointConfigVolumeKms', () => {
  const rule = 'EndpointConfigVolumeKms';
  test('Noncompliance: an ml.m5 fleet without a volume key', () => {
    expect(reported(rule, { instanceType: 'ml.m5.xlarge' })).toBe(true);
  });
  test('Compliance: a volume key', () => {
    expect(reported(rule, { config: { kmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' } })).toBe(false);
  });
  test('Compliance: an instance-store type (ml.g5) cannot take a key and is exempt', () => {
    expect(reported(rule, { instanceType: 'ml.g5.xlarge' })).toBe(false);
  });
});

describe('AiGovernance-EndpointConfigInstanceCount', () => {
  const rule = 'EndpointConfigInstanceCount';
  test('Noncompliance: one instance on a MEDIUM tier endpoint', () => {
    expect(reported(rule, { tags: governanceTags('MEDIUM'), instanceCount: 1 })).toBe(true);
  });
  test('Noncompliance: one instance on an endpoint without a tier', () => {
    expect(reported(rule, { instanceCount: 1 })).toBe(true);
  });
  test('Compliance: two instances on a HIGH tier endpoint', () => {
    expect(reported(rule, { tags: governanceTags('HIGH'), instanceCount: 2 })).toBe(false);
  });
  test('Compliance: one instance on a LOW tier endpoint is left to the warning rule', () => {
    expect(reported(rule, { tags: governanceTags('LOW'), instanceCount: 1 })).toBe(false);
  });
});

describe('AiGovernance-EndpointConfigInstanceCountLowTier', () => {
  const rule = 'EndpointConfigInstanceCountLowTier';
  test('Noncompliance: one instance on a LOW tier endpoint is a warning', () => {
    const findings = onConfig(rule, { tags: governanceTags('LOW'), instanceCount: 1 });
    expect(findings.map((f) => f.severity)).toEqual(['warning']);
  });
  test('Compliance: two instances on a LOW tier endpoint', () => {
    expect(reported(rule, { tags: governanceTags('LOW'), instanceCount: 2 })).toBe(false);
  });
  test('Compliance: one instance on a HIGH tier endpoint is left to the error rule', () => {
    expect(reported(rule, { tags: governanceTags('HIGH'), instanceCount: 1 })).toBe(false);
  });
});
