import { App, CfnParameter, CfnResource, Duration, Lazy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Capacity, DeploymentPolicy } from '../../constructs/deployment-policy';
import { EndpointAlarms } from '../../constructs/endpoint-alarms';
import { EndpointAutoScaling } from '../../constructs/endpoint-autoscaling';
import { EvidenceStore } from '../../constructs/evidence-store';
import { GovernanceFoundation } from '../../constructs/governance-foundation';
import { GovernedEndpoint, GovernedEndpointProps } from '../../constructs/governed-endpoint';
import { KillSwitch } from '../../constructs/kill-switch';
import { RiskTier } from '../../lib/policy/governance';
import { ModelArtifact, ModelImage, ModelSource } from '../../constructs/model-source';
import { endpointProps, newStack } from '../helpers/fixtures';
import * as kms from 'aws-cdk-lib/aws-kms';

function build(overrides: Partial<GovernedEndpointProps>): () => GovernedEndpoint {
  return () => new GovernedEndpoint(newStack(), 'Scoring', endpointProps(overrides));
}
const low = { owner: 'o@example.com', purpose: 'triage', riskTier: RiskTier.LOW };
const medium = { ...low, riskTier: RiskTier.MEDIUM };

describe('GovernedEndpoint rejects bad input at synth, naming the prop, the value and what is allowed', () => {
  test.each<[string, Partial<GovernedEndpointProps>, RegExp]>([
    ['an instance type without the ml. prefix', { instanceType: 'm5.large' }, /instanceType: received "m5\.large"; allowed: a SageMaker instance type, one of the \d+ values of ProductionVariantInstanceType .*did you mean 'ml\.m5\.large'/],
    ['an instance type with spaces', { instanceType: 'ml.m5 .large' }, /instanceType: received "ml\.m5 \.large"/],
    ['zero instances on LOW tier', { governance: low, initialInstanceCount: 0 }, /initialInstanceCount: received 0; allowed: a whole number from 1 to 2147483647 for LOW tier/],
    ['a fractional instance count', { governance: low, initialInstanceCount: 1.5 }, /initialInstanceCount: received 1\.5; allowed: a whole number from 1 to 2147483647/],
    ['one instance on MEDIUM tier', { governance: medium, initialInstanceCount: 1 }, /initialInstanceCount: received 1; allowed: a whole number from 2 to 2147483647 for MEDIUM tier/],
    ['one instance on HIGH tier', { initialInstanceCount: 1 }, /initialInstanceCount: received 1; allowed: a whole number from 2 to 2147483647 for HIGH tier/],
    ['sampling above 100', { governance: low, captureSamplingPercentage: 101 }, /captureSamplingPercentage: received 101; allowed: a whole number from 20 to 100/],
    ['negative sampling', { governance: low, captureSamplingPercentage: -1 }, /captureSamplingPercentage: received -1; allowed: a whole number from 20 to 100/],
    ['less than full capture on HIGH tier', { captureSamplingPercentage: 50 }, /captureSamplingPercentage: received 50; allowed: 100 for HIGH tier/],
    ['sampling below the floor, in the deprecated spelling', { governance: low, dataCapture: { samplingPercentage: 10 } }, /dataCapture\.samplingPercentage: received 10; allowed: a whole number from 20 to 100/],
    ['both spellings of the sampling, disagreeing', { captureSamplingPercentage: 100, dataCapture: { samplingPercentage: 50 } },
      /dataCapture\.samplingPercentage: received 50; allowed: unset, or the value of captureSamplingPercentage \(100\): dataCapture\.samplingPercentage is its deprecated spelling/],
    ['log retention below 180 days', { logRetention: logs.RetentionDays.THREE_MONTHS }, /logRetention: received 90; allowed: at least 180 days, as CloudWatch Logs takes them: one of 180, 365, 400/],
    ['an endpoint name with underscores', { endpointName: 'fraud_scoring' }, /endpointName: received "fraud_scoring"; allowed: 1 to 63 letters, digits and hyphens/],
    ['an endpoint name starting with a hyphen', { endpointName: '-fraud' }, /endpointName: received "-fraud"/],
    ['an endpoint name of 64 characters', { endpointName: 'a'.repeat(64) }, /endpointName: received "a{64}"/],
    ['an empty owner', { governance: { ...low, owner: '' } }, /governance\.owner: received ""; allowed: a non-empty owner contact/],
    ['a blank owner', { governance: { ...low, owner: '   ' } }, /governance\.owner: received " {3}"; allowed: a non-empty owner contact/],
    ['a missing owner', { governance: { purpose: 'p', riskTier: RiskTier.LOW } as any }, /governance\.owner: received undefined/],
    ['an owner that cannot be a tag value', { governance: { ...low, owner: 'fraud-ml, risk-ml' } }, /governance\.owner: received "fraud-ml, risk-ml"; allowed: a tag value of at most 256 characters.*governance:owner\); "," is not allowed/],
    ['an empty purpose', { governance: { ...low, purpose: '' } }, /governance\.purpose: received ""/],
    ['an unknown risk tier', { governance: { ...low, riskTier: 'CRITICAL' as RiskTier } }, /governance\.riskTier: received "CRITICAL"; allowed: one of LOW, MEDIUM, HIGH/],
    ['a lower-case risk tier', { governance: { ...low, riskTier: 'high' as RiskTier } }, /governance\.riskTier: received "high"/],
    ['a variant name with dots', { variantName: 'v1.2' }, /variantName: received "v1\.2"/],
    ['an artifact that is not an S3 URL', { model: ModelSource.fromArtifact({ image: ModelImage.fromUri('img:1'), artifact: ModelArtifact.fromS3Url('https://bucket/model.tar.gz') }) }, /model\.artifact: received "https:\/\/bucket\/model\.tar\.gz"; allowed: an S3 URL/],
    ['an artifact prefix instead of one object', { model: ModelSource.fromArtifact({ image: ModelImage.fromUri('img:1'), artifact: ModelArtifact.fromS3Url('s3://artifacts-bucket/models/') }) }, /model\.artifact: .*allowed: one object/],
    ['an empty image URI', { model: ModelSource.fromArtifact({ image: ModelImage.fromUri('') }) }, /model\.image: received ""/],
    ['a model package ARN that is not one', { model: ModelSource.fromModelPackage({ modelPackageArn: 'fraud-scoring' }) }, /model\.modelPackageArn: received "fraud-scoring"; allowed: a versioned model package ARN/],
    ['subnets without a VPC', { vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }, /vpcSubnets: .*allowed: only together with vpc/],
  ])('%s', (_case, overrides, message) => {
    expect(build(overrides)).toThrow(message);
  });

  test('every problem is reported in one error', () => {
    // GIVEN three bad props at once
    const attempt = build({ instanceType: 'big', initialInstanceCount: 1, endpointName: 'no_underscores' });
    // THEN one error names all three, with the construct path
    expect(attempt).toThrow(/GovernedEndpoint at 'TestStack\/Scoring' has invalid props:\n {2}- endpointName.*\n {2}- instanceType.*\n {2}- initialInstanceCount/);
  });

  test('a HIGH-tier endpoint refuses a foundation without Object Lock', () => {
    const stack = newStack();
    const foundation = new GovernanceFoundation(stack, 'Foundation', { objectLock: false });
    expect(() => new GovernedEndpoint(stack, 'Scoring', endpointProps({ foundation })))
      .toThrow(/foundation: received "a foundation with objectLock: false"; allowed: a foundation with Object Lock on for HIGH tier/);
  });

  test('evidence expiry shorter than a year is rejected', () => {
    const stack = newStack();
    const encryptionKey = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    expect(() => new EvidenceStore(stack, 'Evidence', { encryptionKey, expiration: Duration.days(200) }))
      .toThrow(/expiration: received "200 days"; allowed: a whole number of days from 365 to 2147483647/);
  });

  test('tokens are skipped, not rejected', () => {
    // GIVEN deploy-time values for every validated string and number
    const stack = newStack();
    const param = (id: string) => new CfnParameter(stack, id).valueAsString;
    expect(() => new GovernedEndpoint(stack, 'Scoring', endpointProps({
      endpointName: param('Name'),
      instanceType: param('Type'),
      initialInstanceCount: new CfnParameter(stack, 'Count', { type: 'Number' }).valueAsNumber,
      governance: { owner: param('Owner'), purpose: param('Purpose'), riskTier: RiskTier.HIGH },
      captureSamplingPercentage: Lazy.number({ produce: () => 100 }),
      model: ModelSource.fromArtifact({ image: ModelImage.fromUri(param('Image')), artifact: ModelArtifact.fromS3Url(param('Artifact')) }),
    }))).not.toThrow();
  });
});

describe('GovernedEndpoint checks the props of the parts it creates with its own, in one error', () => {
  /** The message of the error `attempt` throws. */
  function errorOf(attempt: () => unknown): string {
    try {
      attempt();
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('expected an error');
  }

  test('a core, an alarms, a deployment and an autoScaling mistake come in one error', () => {
    // GIVEN one mistake in each of instanceType, alarms, deployment and autoScaling
    const message = errorOf(build({
      instanceType: 'm5.large',
      alarms: { modelLatency: { threshold: Duration.millis(0) } },
      deployment: DeploymentPolicy.canary({ canarySize: Capacity.percent(60) }),
      autoScaling: { maxCapacity: 4, targetInvocationsPerInstance: 0 },
    }));
    // THEN one error, from the endpoint, lists all four in the order the parts are built
    expect(message.match(/has invalid props/g)).toHaveLength(1);
    expect(message).toMatch(new RegExp([
      "^GovernedEndpoint at 'TestStack/Scoring' has invalid props:",
      '  - instanceType: received "m5\\.large"; allowed: a SageMaker instance type',
      '  - alarms\\.modelLatency\\.threshold: received "0 millis"; allowed: a Duration greater than 0',
      '  - deployment\\.canarySize: received "60%"; allowed: at most 50% of the variant\'s instances',
      '  - autoScaling\\.targetInvocationsPerInstance: received 0; allowed: a number of requests per instance per minute greater than 0',
    ].join('.*\\n')));
  });

  test('a bad kill-switch parameter name and a bad instance type come in one error', () => {
    const message = errorOf(build({ instanceType: 'ml.m5', killSwitch: { parameterName: 'ssm-pause' } }));
    expect(message.match(/has invalid props/g)).toHaveLength(1);
    expect(message).toMatch(/instanceType: received "ml\.m5"[\s\S]*killSwitch\.parameterName: received "ssm-pause"; allowed: 1 to 1011 letters/);
  });

  test('an imported auto-pause alarm and a bad owner come in one error', () => {
    const other = newStack('Other');
    const imported = cloudwatch.Alarm.fromAlarmArn(other, 'Imported', 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:x');
    const message = errorOf(build({ governance: { ...low, owner: '' }, killSwitch: { autoPauseOn: [imported] } }));
    expect(message.match(/has invalid props/g)).toHaveLength(1);
    expect(message).toMatch(/governance\.owner: received ""[\s\S]*killSwitch\.autoPauseOn: alarm Other\/Imported must be a cloudwatch\.Alarm or CompositeAlarm defined in the app \(the library adds an action and a tag to it\); received an imported alarm/);
  });

  test('nothing is created when the props are invalid, whichever part they belong to', () => {
    // GIVEN valid core props, and mistakes only in the parts, which used to be found after the model and role existed
    const stack = newStack();
    const attempt = () => new GovernedEndpoint(stack, 'Scoring', endpointProps({
      alarms: { cpuUtilization: { threshold: 120 } },
      deployment: DeploymentPolicy.linear({ stepSize: Capacity.percent(5) }),
      autoScaling: { maxCapacity: 1, targetInvocationsPerInstance: 100 },
      killSwitch: { parameterName: '/governed-endpoint/ml//fraud/kill-switch' },
    }));
    // WHEN the endpoint is built
    expect(attempt).toThrow(/alarms\.cpuUtilization\.threshold[\s\S]*deployment\.stepSize[\s\S]*autoScaling\.maxCapacity[\s\S]*killSwitch\.parameterName/);
    // THEN the endpoint has no children, the stack has no foundation, and the tree holds no resource
    expect(stack.node.findChild('Scoring').node.children).toEqual([]);
    expect(stack.node.children.map((c) => c.node.id)).toEqual(['Scoring']);
    expect(stack.node.findAll().filter(CfnResource.isCfnResource)).toEqual([]);
  });

  test('the rollback alarms are counted from the alarms props, before the alarms exist', () => {
    const off = { enabled: false };
    const message = errorOf(build({
      instanceType: 'big',
      alarms: { serverErrorRate: off, clientErrorRate: off, modelLatency: off, modelErrors: off },
    }));
    expect(message).toMatch(/instanceType: received "big"[\s\S]*deployment\.additionalRollbackAlarms: received "0 rollback alarms in all"/);
  });

  test.each<[string, Partial<GovernedEndpointProps>, RegExp, RegExp]>([
    ['an unknown tier: no tier floor is applied to the deployment or autoscaling', {
      governance: { ...low, riskTier: 'CRITICAL' as RiskTier }, instanceType: 'ml.inf1.xlarge',
      autoScaling: { minCapacity: 1, maxCapacity: 4, targetInvocationsPerInstance: 100 },
    }, /governance\.riskTier: received "CRITICAL"/, /deployment|autoScaling/],
    ['a bad instance count: autoscaling does not take it as its minimum', {
      initialInstanceCount: 1.5, autoScaling: { maxCapacity: 4, targetInvocationsPerInstance: 100 },
    }, /initialInstanceCount: received 1\.5/, /autoScaling\.minCapacity|within autoScaling/],
    ['a bad instance type: autoscaling does not judge its family', {
      instanceType: 'ml.t2.Medium', autoScaling: { maxCapacity: 4, targetInvocationsPerInstance: 100 },
    }, /instanceType: received "ml\.t2\.Medium"; allowed: a SageMaker instance type.*did you mean 'ml\.t2\.medium'/, /non-burstable/],
    ['a bad instance type: the default deployment does not judge its family', {
      instanceType: 'ml.inf1.XLarge',
    }, /instanceType: received "ml\.inf1\.XLarge"; allowed: a SageMaker instance type/, /deployment/],
    ['a bad endpoint name: the default kill-switch parameter name built from it is not reported too', {
      endpointName: 'fraud scoring',
    }, /endpointName: received "fraud scoring"/, /killSwitch/],
  ])('%s', (_case, overrides, reported, notReported) => {
    const message = errorOf(build(overrides));
    expect(message).toMatch(reported);
    expect(message).not.toMatch(notReported);
  });
});

describe('GIVEN a part built on its own, not by an endpoint', () => {
  test('WHEN EndpointAlarms get a bad threshold THEN they throw their own error, naming their own prop', () => {
    const stack = newStack();
    const encryptionKey = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    expect(() => new EndpointAlarms(stack, 'Alarms', {
      endpointName: 'fraud-scoring', variantName: 'primary', instanceType: 'ml.m5.large', encryptionKey, serverErrorRate: { threshold: 2 },
    })).toThrow(/^EndpointAlarms at 'TestStack\/Alarms' has invalid props:\n {2}- serverErrorRate\.threshold: received 2; allowed: 0 to 1/);
  });

  test('WHEN EndpointAutoScaling gets a minimum below the tier floor THEN it throws its own error, naming its own prop', () => {
    expect(() => new EndpointAutoScaling(newStack(), 'Scaling', {
      endpointName: 'fraud-scoring', variantName: 'primary', instanceType: 'ml.m5.large', initialInstanceCount: 2, riskTier: RiskTier.HIGH,
      minCapacity: 1, maxCapacity: 4, targetInvocationsPerInstance: 100,
    })).toThrow(/^EndpointAutoScaling at 'TestStack\/Scaling' has invalid props:\n {2}- minCapacity: received 1; allowed: a whole number from 2/);
  });

  test('WHEN EndpointAutoScaling runs on a burstable type with an initial count outside its range THEN the messages name its own props', () => {
    expect(() => new EndpointAutoScaling(newStack(), 'Scaling', {
      endpointName: 'fraud-scoring', variantName: 'primary', instanceType: 'ml.t2.medium', initialInstanceCount: 5, riskTier: RiskTier.LOW,
      minCapacity: 1, maxCapacity: 4, targetInvocationsPerInstance: 100,
    })).toThrow(/instanceType: received "ml\.t2\.medium"; allowed: a non-burstable instance type: SageMaker cannot[\s\S]*initialInstanceCount: received 5; allowed: a count within minCapacity \(1\) and maxCapacity \(4\)/);
  });

  test('WHEN a KillSwitch gets a reserved parameter name THEN it throws its own error, naming its own prop', () => {
    const stack = newStack();
    const encryptionKey = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    expect(() => new KillSwitch(stack, 'Switch', {
      endpointName: 'fraud-scoring', endpointArn: 'arn:aws:sagemaker:eu-west-1:123456789012:endpoint/fraud-scoring', encryptionKey, parameterName: 'aws-pause',
    })).toThrow(/^KillSwitch at 'TestStack\/Switch' has invalid props:\n {2}- parameterName: received "aws-pause"/);
  });

  test('WHEN an EvidenceStore gets Object Lock options with Object Lock off THEN it throws its own error, naming its own props', () => {
    const stack = newStack();
    const encryptionKey = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    expect(() => new EvidenceStore(stack, 'Evidence', { encryptionKey, objectLock: false, objectLockRetention: Duration.days(30) }))
      .toThrow(/^EvidenceStore at 'TestStack\/Evidence' has invalid props:\n {2}- objectLockRetention: received "Duration.days\(30\)"; allowed: only with objectLock on/);
  });
});

describe('GIVEN an endpoint whose props are all valid', () => {
  test('WHEN it is built THEN its parts take the settings it resolved and do not check their props a second time', () => {
    // GIVEN a spy on every part's own resolution
    const spies = [
      jest.spyOn(EndpointAlarms, '_resolve'), jest.spyOn(EndpointAutoScaling, '_resolve'), jest.spyOn(KillSwitch, '_resolve'),
      jest.spyOn(DeploymentPolicy.prototype, '_resolve'),
    ];
    try {
      // WHEN an endpoint with alarms, a deployment policy, autoscaling and a kill switch is built
      build({ autoScaling: { maxCapacity: 4, targetInvocationsPerInstance: 100 }, deployment: DeploymentPolicy.linear() })();
      // THEN each part's options were resolved exactly once, by the endpoint
      expect(spies.map((s) => s.mock.calls.map((c) => c[1]))).toEqual([['alarms'], ['autoScaling'], ['killSwitch'], ['deployment']]);
    } finally {
      spies.forEach((s) => s.mockRestore());
    }
  });

  test('WHEN a foundation is built THEN its evidence store takes the settings the foundation resolved', () => {
    const spy = jest.spyOn(EvidenceStore, '_resolve');
    try {
      new GovernanceFoundation(newStack(), 'Foundation', { evidenceExpiration: Duration.days(400) });
      expect(spy.mock.calls.map((c) => c[2]?.expiration)).toEqual(['evidenceExpiration']);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('endpoint names are unique where stacks of one app may deploy together', () => {
  test('GIVEN an endpoint named fraud-scoring WHEN another in the stack takes the name in another case THEN it is rejected before it creates anything, naming the first', () => {
    // GIVEN an endpoint named fraud-scoring
    const stack = newStack();
    new GovernedEndpoint(stack, 'First', endpointProps({ endpointName: 'fraud-scoring' }));
    // WHEN another one takes the same name, differently cased
    const second = () => new GovernedEndpoint(stack, 'Second', endpointProps({ endpointName: 'Fraud-Scoring' }));
    // THEN the error names the prop, the value and the endpoint that has it
    expect(second).toThrow(/endpointName: received "Fraud-Scoring"; allowed: a name no other GovernedEndpoint of this app uses where it may deploy to the same account and region .*'TestStack\/First' has it/);
    expect(stack.node.findChild('Second').node.children).toEqual([]);
  });

  test('GIVEN two stacks of one app without a fixed account or region WHEN both use the same endpoint name THEN the second is rejected (both would deploy to the same account and region)', () => {
    const app = new App();
    new GovernedEndpoint(new Stack(app, 'A'), 'Scoring', endpointProps({ endpointName: 'fraud-scoring' }));
    expect(() => new GovernedEndpoint(new Stack(app, 'B'), 'Scoring', endpointProps({ endpointName: 'fraud-scoring' })))
      .toThrow(/endpointName: received "fraud-scoring"; allowed: a name no other GovernedEndpoint of this app uses .*'A\/Scoring' has it/);
  });

  test('GIVEN two stacks of one app in different regions WHEN both use the same endpoint name and default kill-switch parameter THEN both are accepted', () => {
    const app = new App();
    new GovernedEndpoint(new Stack(app, 'A', { env: { region: 'eu-west-1' } }), 'Scoring', endpointProps({ endpointName: 'fraud-scoring' }));
    expect(() => new GovernedEndpoint(new Stack(app, 'B', { env: { region: 'us-east-1' } }), 'Scoring', endpointProps({ endpointName: 'fraud-scoring' }))).not.toThrow();
  });

  test('GIVEN two apps WHEN each has an endpoint with the same name THEN both are accepted (an app is checked on its own)', () => {
    new GovernedEndpoint(newStack(), 'Scoring', endpointProps({ endpointName: 'fraud-scoring' }));
    expect(() => new GovernedEndpoint(newStack(), 'Scoring', endpointProps({ endpointName: 'fraud-scoring' }))).not.toThrow();
  });
});
