import { App, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Capacity, DeploymentPolicy } from '../../constructs/deployment-policy';
import { EvidenceStore, EvidenceStoreProps, ObjectLockMode } from '../../constructs/evidence-store';
import { GovernanceFoundation, GovernanceFoundationProps } from '../../constructs/governance-foundation';
import { GovernedEndpoint, GovernedEndpointProps } from '../../constructs/governed-endpoint';
import { KillSwitch, KillSwitchProps } from '../../constructs/kill-switch';
import { RiskTier } from '../../lib/policy/governance';
import { ModelArtifact, ModelImage, ModelSource } from '../../constructs/model-source';
import { endpointProps, IMAGE_URI, newStack } from '../helpers/fixtures';

/**
 * Values AWS rejects at deploy time, each refused at synth with one error line that names the prop the user wrote,
 * shows the value received exactly and says what is allowed.
 */
interface BadInput {
  /** The input, as a GIVEN clause. */
  readonly given: string;
  /** Builds the construct with it. */
  readonly build: () => unknown;
  /** The prop the error must name, as the user wrote it. */
  readonly prop: string;
  /** The value as the error must show it, after `received `. */
  readonly received: string;
  /** What the error must say is allowed (a part of it). */
  readonly allowed: string;
}

const LOW = { owner: 'o@example.com', purpose: 'triage', riskTier: RiskTier.LOW };
const endpoint = (overrides: Partial<GovernedEndpointProps>) => () => new GovernedEndpoint(newStack(), 'Scoring', endpointProps(overrides));
const foundation = (props: GovernanceFoundationProps) => () => new GovernanceFoundation(newStack(), 'Foundation', props);
function evidenceStore(props: Omit<EvidenceStoreProps, 'encryptionKey'>): () => EvidenceStore {
  return () => {
    const stack = newStack();
    return new EvidenceStore(stack, 'Evidence', { ...props, encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }) });
  };
}
function killSwitch(props: Partial<KillSwitchProps>): () => KillSwitch {
  return () => {
    const stack = newStack();
    return new KillSwitch(stack, 'Switch', {
      endpointName: 'fraud-scoring', endpointArn: 'arn:aws:sagemaker:eu-west-1:123456789012:endpoint/fraud-scoring',
      encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }), ...props,
    });
  };
}
/** A VPC of its own stack with the given subnet groups, and an endpoint in another stack of the same app using it. */
function inVpc(subnets: ec2.SubnetConfiguration[], overrides: (vpc: ec2.Vpc) => Partial<GovernedEndpointProps>): () => GovernedEndpoint {
  return () => {
    const app = new App();
    const vpc = new ec2.Vpc(new Stack(app, 'Network'), 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: subnets });
    return new GovernedEndpoint(new Stack(app, 'Models'), 'Scoring', endpointProps({ vpc, ...overrides(vpc) }));
  };
}
/** Two endpoints in one app; the second one is the attempt. */
function twoEndpoints(first: Partial<GovernedEndpointProps>, second: Partial<GovernedEndpointProps>, secondStack = 'A'): () => GovernedEndpoint {
  return () => {
    const app = new App();
    const a = new Stack(app, 'A');
    new GovernedEndpoint(a, 'First', endpointProps(first));
    return new GovernedEndpoint(secondStack === 'A' ? a : new Stack(app, secondStack), 'Second', endpointProps(second));
  };
}
const PUBLIC_ONLY = [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }];
const ISOLATED = [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }, { name: 'models', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }];
const q = (s: string) => JSON.stringify(s);
const long = (n: number, c = 'a') => c.repeat(n);
/** A kill-switch parameter name the shared enforcer serves: `/governed-endpoint/` + `middle` + `/kill-switch` (31 characters and 2 levels more than `middle`). */
const switchName = (middle: string) => `/governed-endpoint/${middle}/kill-switch`;
/** `n` levels of one letter each, joined by "/": `l/l/.../l`. */
const levels = (n: number) => Array(n).fill('l').join('/');
/** What the error allows for a name the shared kill-switch enforcer does not serve. */
const SERVED_NAME = 'a name /governed-endpoint/<...>/kill-switch (e.g. "/governed-endpoint/fraud/scoring/kill-switch"): ' +
  'the shared kill-switch enforcer reacts to changes of parameters named so, and may read and restore no other';

const NAMES: BadInput[] = [
  { given: 'an endpoint name of 64 characters', build: endpoint({ endpointName: long(64) }), prop: 'endpointName', received: q(long(64)), allowed: '1 to 63 letters, digits and hyphens, starting and ending with a letter or digit (this one has 64)' },
  { given: 'an endpoint name of 81 characters made of hyphen groups the API pattern alone allows', build: endpoint({ endpointName: `a${'-b'.repeat(40)}` }), prop: 'endpointName', received: q(`a${'-b'.repeat(40)}`), allowed: '(this one has 81)' },
  { given: 'an endpoint name with an underscore', build: endpoint({ endpointName: 'fraud_scoring' }), prop: 'endpointName', received: '"fraud_scoring"', allowed: '1 to 63 letters, digits and hyphens' },
  { given: 'an endpoint name ending with a hyphen', build: endpoint({ endpointName: 'fraud-' }), prop: 'endpointName', received: '"fraud-"', allowed: 'starting and ending with a letter or digit' },
  { given: 'an empty endpoint name', build: endpoint({ endpointName: '' }), prop: 'endpointName', received: '""', allowed: '1 to 63 letters' },
  { given: 'an endpoint name with a non-ASCII letter', build: endpoint({ endpointName: 'betrug-prüfung' }), prop: 'endpointName', received: '"betrug-prüfung"', allowed: '1 to 63 letters, digits and hyphens' },
  { given: 'a variant name of 64 characters', build: endpoint({ variantName: long(64, 'v') }), prop: 'variantName', received: q(long(64, 'v')), allowed: '(this one has 64)' },
  { given: 'a variant name of 81 characters made of hyphen groups', build: endpoint({ variantName: `v${'-x'.repeat(40)}` }), prop: 'variantName', received: q(`v${'-x'.repeat(40)}`), allowed: '(this one has 81)' },
  { given: 'a variant name with a space', build: endpoint({ variantName: 'blue green' }), prop: 'variantName', received: '"blue green"', allowed: '1 to 63 letters, digits and hyphens' },
  { given: 'an empty variant name', build: endpoint({ variantName: '' }), prop: 'variantName', received: '""', allowed: '1 to 63 letters' },
];

const INSTANCE_TYPES: BadInput[] = [
  { given: 'an instance type SageMaker does not have', build: endpoint({ instanceType: 'ml.m5.huge' }), prop: 'instanceType', received: '"ml.m5.huge"', allowed: 'one of the 277 values of ProductionVariantInstanceType of @aws-sdk/client-sagemaker' },
  { given: 'an EC2 family SageMaker endpoints do not offer', build: endpoint({ instanceType: 'ml.t3.medium' }), prop: 'instanceType', received: '"ml.t3.medium"', allowed: "e.g. 'ml.m5.large', 'ml.g5.xlarge' or 'ml.p6-b200.48xlarge'" },
  { given: 'an instance type in capitals', build: endpoint({ instanceType: 'ML.M5.LARGE' }), prop: 'instanceType', received: '"ML.M5.LARGE"', allowed: "(did you mean 'ml.m5.large'?)" },
  { given: 'an EC2 instance type without the ml. prefix', build: endpoint({ instanceType: 'g5.xlarge' }), prop: 'instanceType', received: '"g5.xlarge"', allowed: "(did you mean 'ml.g5.xlarge'?)" },
  { given: 'a size the new p6-b200 family does not come in', build: endpoint({ instanceType: 'ml.p6-b200.4xlarge' }), prop: 'instanceType', received: '"ml.p6-b200.4xlarge"', allowed: 'ProductionVariantInstanceType' },
  { given: 'an instance type with a trailing space', build: endpoint({ instanceType: 'ml.g5.xlarge ' }), prop: 'instanceType', received: '"ml.g5.xlarge "', allowed: "(did you mean 'ml.g5.xlarge'?)" },
  { given: 'a family without a size', build: endpoint({ instanceType: 'ml.inf1' }), prop: 'instanceType', received: '"ml.inf1"', allowed: 'a SageMaker instance type' },
];

const INTEGERS: BadInput[] = [
  { given: 'an instance count one above a 32-bit integer', build: endpoint({ initialInstanceCount: 2 ** 31 }), prop: 'initialInstanceCount', received: '2147483648', allowed: 'a whole number from 2 to 2147483647 for HIGH tier' },
  { given: 'an instance count of ten billion', build: endpoint({ initialInstanceCount: 1e10 }), prop: 'initialInstanceCount', received: '10000000000', allowed: 'from 2 to 2147483647' },
  { given: 'a fractional instance count', build: endpoint({ initialInstanceCount: 2.5 }), prop: 'initialInstanceCount', received: '2.5', allowed: 'a whole number from 2' },
  { given: 'a negative instance count on LOW tier', build: endpoint({ governance: LOW, initialInstanceCount: -1 }), prop: 'initialInstanceCount', received: '-1', allowed: 'a whole number from 1 to 2147483647 for LOW tier' },
  { given: 'an instance count that is not a number', build: endpoint({ initialInstanceCount: NaN }), prop: 'initialInstanceCount', received: 'NaN', allowed: 'a whole number from 2' },
  { given: 'an infinite instance count', build: endpoint({ initialInstanceCount: Infinity }), prop: 'initialInstanceCount', received: 'Infinity', allowed: 'a whole number from 2 to 2147483647' },
  { given: 'an autoscaling maximum above a 32-bit integer', build: endpoint({ autoScaling: { maxCapacity: 2 ** 31, targetInvocationsPerInstance: 100 } }), prop: 'autoScaling.maxCapacity', received: '2147483648', allowed: 'a whole number from 2 to 2147483647' },
  { given: 'an autoscaling minimum above a 32-bit integer', build: endpoint({ autoScaling: { minCapacity: 3e9, maxCapacity: 4e9, targetInvocationsPerInstance: 100 } }), prop: 'autoScaling.minCapacity', received: '3000000000', allowed: 'a whole number from 2 to 2147483647' },
  { given: 'a scale-in cooldown above a 32-bit integer of seconds', build: endpoint({ autoScaling: { maxCapacity: 4, targetInvocationsPerInstance: 100, scaleInCooldown: Duration.seconds(2 ** 31) } }), prop: 'autoScaling.scaleInCooldown', received: '"2147483648 seconds"', allowed: 'a whole number of seconds from 0 to 2147483647' },
  { given: 'a scale-out cooldown in fractions of a second', build: endpoint({ autoScaling: { maxCapacity: 4, targetInvocationsPerInstance: 100, scaleOutCooldown: Duration.millis(2500) } }), prop: 'autoScaling.scaleOutCooldown', received: '"2.5 seconds (Duration.millis(2500))"', allowed: 'a whole number of seconds' },
  { given: 'an autoscaling target that is not a number', build: endpoint({ autoScaling: { maxCapacity: 4, targetInvocationsPerInstance: NaN } }), prop: 'autoScaling.targetInvocationsPerInstance', received: 'NaN', allowed: 'greater than 0' },
  { given: 'a canary of more instances than a 32-bit integer', build: endpoint({ deployment: DeploymentPolicy.canary({ canarySize: Capacity.instances(2 ** 31) }) }), prop: 'deployment.canarySize', received: '"2147483648 instances"', allowed: 'a whole number from 1 to 2147483647' },
];

const LOG_RETENTION: BadInput[] = [
  { given: 'a log retention of 200 days, which CloudWatch Logs does not offer', build: endpoint({ logRetention: 200 as logs.RetentionDays }), prop: 'logRetention', received: '200', allowed: 'one of 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653' },
  { given: 'a log retention of 366 days', build: endpoint({ logRetention: 366 as logs.RetentionDays }), prop: 'logRetention', received: '366', allowed: 'as CloudWatch Logs takes them' },
  { given: 'a log retention of three months, below the floor', build: endpoint({ logRetention: logs.RetentionDays.THREE_MONTHS }), prop: 'logRetention', received: '90', allowed: 'at least 180 days' },
  { given: 'a log retention of 0 days', build: endpoint({ logRetention: 0 as logs.RetentionDays }), prop: 'logRetention', received: '0', allowed: 'at least 180 days' },
  { given: 'a fractional log retention', build: endpoint({ logRetention: 180.5 as logs.RetentionDays }), prop: 'logRetention', received: '180.5', allowed: 'one of 180, 365' },
  { given: 'a log retention past ten years', build: endpoint({ logRetention: 4000 as logs.RetentionDays }), prop: 'logRetention', received: '4000', allowed: 'or logs.RetentionDays.INFINITE' },
];

const ALARM_WINDOWS: BadInput[] = [
  { given: 'hourly alarm periods over more than seven days', build: endpoint({ alarms: { zeroTraffic: { period: Duration.hours(1), evaluationPeriods: 169 } } }), prop: 'alarms.zeroTraffic.evaluationPeriods', received: '169', allowed: 'a whole number from 1 to 168 for a period of 3600 seconds (Duration.hours(1)) (CloudWatch: period x evaluationPeriods is at most seven days)' },
  { given: '59-minute alarm periods over more than a day', build: endpoint({ alarms: { modelLatency: { period: Duration.minutes(59), evaluationPeriods: 25 } } }), prop: 'alarms.modelLatency.evaluationPeriods', received: '25', allowed: 'from 1 to 24 for a period of 3540 seconds (Duration.minutes(59)) (CloudWatch: period x evaluationPeriods is at most one day for periods under an hour)' },
  { given: 'one-minute alarm periods over more than a day', build: endpoint({ alarms: { memoryUtilization: { evaluationPeriods: 1441 } } }), prop: 'alarms.memoryUtilization.evaluationPeriods', received: '1441', allowed: 'from 1 to 1440' },
  { given: 'an alarm period of eight days', build: endpoint({ alarms: { serverErrorRate: { period: Duration.days(8) } } }), prop: 'alarms.serverErrorRate.period', received: '"691200 seconds (Duration.days(8))"', allowed: 'a whole number of minutes from Duration.minutes(1) to Duration.days(7)' },
  { given: 'a 90-second alarm period, not a multiple of 60', build: endpoint({ alarms: { cpuUtilization: { period: Duration.seconds(90) } } }), prop: 'alarms.cpuUtilization.period', received: '"90 seconds"', allowed: 'a whole number of minutes' },
  { given: 'a 30-second alarm period on one-minute SageMaker metrics', build: endpoint({ alarms: { modelErrors: { period: Duration.seconds(30) } } }), prop: 'alarms.modelErrors.period', received: '"30 seconds"', allowed: 'SageMaker publishes endpoint metrics every minute' },
  { given: 'two seven-day alarm periods', build: endpoint({ alarms: { diskUtilization: { period: Duration.days(7), evaluationPeriods: 2 } } }), prop: 'alarms.diskUtilization.evaluationPeriods', received: '2', allowed: 'a whole number from 1 to 1 for a period of 604800 seconds (Duration.days(7))' },
  { given: 'a fractional number of evaluation periods', build: endpoint({ alarms: { diskUtilization: { evaluationPeriods: 2.5 } } }), prop: 'alarms.diskUtilization.evaluationPeriods', received: '2.5', allowed: 'a whole number from 1 to 1440' },
  { given: 'zero datapoints to alarm', build: endpoint({ alarms: { clientErrorRate: { datapointsToAlarm: 0 } } }), prop: 'alarms.clientErrorRate.datapointsToAlarm', received: '0', allowed: 'a whole number from 1 to 5 (at most evaluationPeriods)' },
  { given: 'more datapoints to alarm than evaluation periods', build: endpoint({ alarms: { serverErrorRate: { evaluationPeriods: 5, datapointsToAlarm: 6 } } }), prop: 'alarms.serverErrorRate.datapointsToAlarm', received: '6', allowed: 'from 1 to 5 (at most evaluationPeriods)' },
];

const TAG_VALUES: BadInput[] = [
  { given: 'an owner of 257 characters', build: endpoint({ governance: { ...LOW, owner: long(257, 'o') } }), prop: 'governance.owner', received: q(long(257, 'o')), allowed: 'a tag value of at most 256 characters, each a letter, digit, space or one of _ . : / = + - @ (it becomes the value of tag governance:owner); this one has 257' },
  { given: 'two owners separated by a comma', build: endpoint({ governance: { ...LOW, owner: 'fraud-ml, risk-ml' } }), prop: 'governance.owner', received: '"fraud-ml, risk-ml"', allowed: '"," is not allowed' },
  { given: 'an owner with an apostrophe', build: endpoint({ governance: { ...LOW, owner: "o'brien@example.com" } }), prop: 'governance.owner', received: '"o\'brien@example.com"', allowed: '"\'" is not allowed' },
  { given: 'a purpose with a hash and a question mark', build: endpoint({ governance: { ...LOW, purpose: 'fraud #1?' } }), prop: 'governance.purpose', received: '"fraud #1?"', allowed: '"#", "?" are not allowed' },
  { given: 'a purpose of 300 characters', build: endpoint({ governance: { ...LOW, purpose: long(300, 'p') } }), prop: 'governance.purpose', received: q(long(300, 'p')), allowed: 'this one has 300' },
  { given: 'a purpose with a line break', build: endpoint({ governance: { ...LOW, purpose: 'fraud\nscoring' } }), prop: 'governance.purpose', received: '"fraud\\nscoring"', allowed: '"\\n" is not allowed' },
  { given: 'a foundation whose own owner has a comma', build: foundation({ governance: { ...LOW, owner: 'ml-platform, risk' } }), prop: 'governance.owner', received: '"ml-platform, risk"', allowed: '"," is not allowed' },
  { given: 'a foundation whose own purpose has an apostrophe', build: foundation({ governance: { ...LOW, purpose: "platform's evidence" } }), prop: 'governance.purpose', received: '"platform\'s evidence"', allowed: '(it becomes the value of tag governance:purpose); "\'" is not allowed' },
  { given: 'a foundation with an unknown risk tier', build: foundation({ governance: { ...LOW, riskTier: 'CRITICAL' as RiskTier } }), prop: 'governance.riskTier', received: '"CRITICAL"', allowed: 'one of LOW, MEDIUM, HIGH' },
  { given: 'a foundation with an empty owner', build: foundation({ governance: { ...LOW, owner: '' } }), prop: 'governance.owner', received: '""', allowed: 'a non-empty owner contact' },
];

const KILL_SWITCH: BadInput[] = [
  { given: 'a kill-switch parameter name of 257 characters, which becomes the endpoint\'s tag value', build: endpoint({ killSwitch: { parameterName: switchName(long(226, 'k')) } }), prop: 'killSwitch.parameterName', received: q(switchName(long(226, 'k'))), allowed: "at most 256 characters (this one has 257): the name becomes the value of the endpoint's tag governance:kill-switch-parameter" },
  { given: 'a kill-switch parameter name with 16 levels', build: endpoint({ killSwitch: { parameterName: switchName(levels(14)) } }), prop: 'killSwitch.parameterName', received: q(switchName(levels(14))), allowed: 'at most 15 levels (this one has 16)' },
  { given: 'a kill-switch parameter name starting with "AWS"', build: endpoint({ killSwitch: { parameterName: 'AWS-pause' } }), prop: 'killSwitch.parameterName', received: '"AWS-pause"', allowed: 'not starting with "aws" or "ssm" (any case)' },
  { given: 'a kill-switch parameter name under /ssm', build: endpoint({ killSwitch: { parameterName: '/ssm/fraud/pause' } }), prop: 'killSwitch.parameterName', received: '"/ssm/fraud/pause"', allowed: 'not starting with "aws" or "ssm"' },
  { given: 'a kill-switch parameter name with a space', build: endpoint({ killSwitch: { parameterName: '/ml/fraud pause' } }), prop: 'killSwitch.parameterName', received: '"/ml/fraud pause"', allowed: '1 to 1011 letters, digits and _ . - /' },
  { given: 'a second endpoint of the stack with the same kill-switch parameter', build: twoEndpoints({ endpointName: 'a', killSwitch: { parameterName: '/governed-endpoint/ml/kill-switch' } }, { endpointName: 'b', killSwitch: { parameterName: '/governed-endpoint/ml/kill-switch' } }), prop: 'killSwitch.parameterName', received: '"/governed-endpoint/ml/kill-switch"', allowed: "a parameter name no other kill switch of this app uses where it may deploy to the same account and region ('A/First/KillSwitch' has it)" },
  { given: 'an endpoint of another stack of the app with the same kill-switch parameter', build: twoEndpoints({ endpointName: 'a', killSwitch: { parameterName: '/governed-endpoint/ml/kill-switch' } }, { endpointName: 'b', killSwitch: { parameterName: '/governed-endpoint/ml/kill-switch' } }, 'B'), prop: 'killSwitch.parameterName', received: '"/governed-endpoint/ml/kill-switch"', allowed: "('A/First/KillSwitch' has it)" },
  { given: 'an explicit parameter name equal to another endpoint\'s default one', build: twoEndpoints({ endpointName: 'a' }, { endpointName: 'b', killSwitch: { parameterName: '/governed-endpoint/a/kill-switch' } }), prop: 'killSwitch.parameterName', received: '"/governed-endpoint/a/kill-switch"', allowed: "('A/First/KillSwitch' has it)" },
  { given: 'a standalone kill switch whose parameter name is longer than SSM allows with its ARN', build: killSwitch({ parameterName: switchName(long(924, 'k')) }), prop: 'parameterName', received: q(switchName(long(924, 'k'))), allowed: "at most 954 characters here (this one has 955): SSM's limit of 1011 counts the parameter's ARN prefix too" },
  { given: 'a standalone kill switch of an endpoint name SageMaker rejects', build: killSwitch({ endpointName: long(70, 'e') }), prop: 'endpointName', received: q(long(70, 'e')), allowed: 'a SageMaker endpoint name: 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit (this one has 70)' },
];

const KILL_SWITCH_NAMES: BadInput[] = [
  { given: 'a kill-switch parameter name under another prefix', build: endpoint({ killSwitch: { parameterName: '/ml/fraud/kill-switch' } }), prop: 'killSwitch.parameterName', received: '"/ml/fraud/kill-switch"', allowed: SERVED_NAME },
  { given: 'a kill-switch parameter name with another last level', build: endpoint({ killSwitch: { parameterName: '/governed-endpoint/fraud-scoring/pause' } }), prop: 'killSwitch.parameterName', received: '"/governed-endpoint/fraud-scoring/pause"', allowed: SERVED_NAME },
  { given: 'a kill-switch parameter name that is the bare prefix and suffix, with no level between them', build: endpoint({ killSwitch: { parameterName: '/governed-endpoint/kill-switch' } }), prop: 'killSwitch.parameterName', received: '"/governed-endpoint/kill-switch"', allowed: SERVED_NAME },
  { given: 'a kill-switch parameter name with the suffix in the middle', build: endpoint({ killSwitch: { parameterName: '/governed-endpoint/kill-switch/fraud-scoring' } }), prop: 'killSwitch.parameterName', received: '"/governed-endpoint/kill-switch/fraud-scoring"', allowed: SERVED_NAME },
  { given: 'a kill-switch parameter name with a trailing slash', build: endpoint({ killSwitch: { parameterName: '/governed-endpoint/fraud-scoring/kill-switch/' } }), prop: 'killSwitch.parameterName', received: '"/governed-endpoint/fraud-scoring/kill-switch/"', allowed: SERVED_NAME },
  { given: 'a kill-switch parameter name without the leading slash', build: endpoint({ killSwitch: { parameterName: 'governed-endpoint/fraud-scoring/kill-switch' } }), prop: 'killSwitch.parameterName', received: '"governed-endpoint/fraud-scoring/kill-switch"', allowed: SERVED_NAME },
  { given: 'a kill-switch parameter name whose prefix is in capitals', build: endpoint({ killSwitch: { parameterName: '/Governed-Endpoint/fraud-scoring/kill-switch' } }), prop: 'killSwitch.parameterName', received: '"/Governed-Endpoint/fraud-scoring/kill-switch"', allowed: SERVED_NAME },
  { given: 'a kill-switch parameter name of one level', build: endpoint({ killSwitch: { parameterName: 'fraud-scoring-kill-switch' } }), prop: 'killSwitch.parameterName', received: '"fraud-scoring-kill-switch"', allowed: SERVED_NAME },
  { given: 'a standalone kill switch whose parameter name is under another prefix', build: killSwitch({ parameterName: '/ml/fraud/pause' }), prop: 'parameterName', received: '"/ml/fraud/pause"', allowed: SERVED_NAME },
];

const WHOLE_DAYS: BadInput[] = [
  { given: 'an evidence expiration of a year and a half day', build: evidenceStore({ expiration: Duration.hours(365 * 24 + 12) }), prop: 'expiration', received: '"365.5 days (Duration.hours(8772))"', allowed: 'a whole number of days from 365 to 2147483647, S3 lifecycle rules count whole days' },
  { given: 'a foundation evidence expiration that is not whole days', build: foundation({ evidenceExpiration: Duration.hours(9001) }), prop: 'evidenceExpiration', received: '"375.0416666666667 days (Duration.hours(9001))"', allowed: 'a whole number of days from 365' },
  { given: 'a foundation evidence expiration of 1.5 days', build: foundation({ evidenceExpiration: Duration.days(1.5) }), prop: 'evidenceExpiration', received: '"1.5 days"', allowed: 'a whole number of days from 365 to 2147483647' },
  { given: 'an Object Lock retention of 1.5 days', build: evidenceStore({ objectLockRetention: Duration.hours(36) }), prop: 'objectLockRetention', received: '"1.5 days (Duration.hours(36))"', allowed: 'a whole number of days from 1 to 36500' },
  { given: 'an Object Lock retention over 100 years', build: evidenceStore({ objectLockRetention: Duration.days(36501) }), prop: 'objectLockRetention', received: '"36501 days"', allowed: 'from 1 to 36500' },
  { given: 'an Object Lock retention with Object Lock off', build: evidenceStore({ objectLock: false, objectLockRetention: Duration.days(30) }), prop: 'objectLockRetention', received: '"Duration.days(30)"', allowed: 'only with objectLock on (it is off)' },
  { given: 'an Object Lock mode S3 does not have', build: evidenceStore({ objectLockMode: 'STRICT' as ObjectLockMode }), prop: 'objectLockMode', received: '"STRICT"', allowed: 'ObjectLockMode.GOVERNANCE or ObjectLockMode.COMPLIANCE (ObjectLockRetentionMode of @aws-sdk/client-s3' },
  { given: 'a foundation with an Object Lock mode but Object Lock off', build: foundation({ objectLock: false, objectLockMode: ObjectLockMode.COMPLIANCE }), prop: 'objectLockMode', received: '"COMPLIANCE"', allowed: 'only with objectLock on (it is off)' },
];

const NETWORK_AND_MODEL: BadInput[] = [
  { given: 'a VPC without private subnets', build: inVpc(PUBLIC_ONLY, () => ({})), prop: 'vpc', received: '"VPC Network/Vpc with the default vpcSubnets (its private subnets with egress)"', allowed: "a VPC with private subnets with egress for the model, or vpcSubnets selecting subnets it has (There are no 'Private' subnet groups in this VPC. Available types: Public)" },
  { given: 'subnets selected by a group name the VPC does not have', build: inVpc(ISOLATED, () => ({ vpcSubnets: { subnetGroupName: 'models-a' } })), prop: 'vpcSubnets', received: '"the selection { subnetGroupName \\"models-a\\" } of VPC Network/Vpc"', allowed: "a selection of subnets the VPC has (There are no subnet groups with name 'models-a' in this VPC. Available names: public,models)" },
  { given: 'an empty list of subnets', build: inVpc(ISOLATED, () => ({ vpcSubnets: { subnets: [] } })), prop: 'vpcSubnets', received: '"the selection { 0 subnets } of VPC Network/Vpc: 0 subnets"', allowed: '1 to 16 subnets (SageMaker VpcConfig.Subnets)' },
  { given: 'six security groups', build: inVpc(ISOLATED, (vpc) => ({ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, securityGroups: Array.from({ length: 6 }, (_, i) => new ec2.SecurityGroup(vpc, `Sg${i}`, { vpc })) })), prop: 'securityGroups', received: '"6 security groups"', allowed: '1 to 5 security groups (SageMaker VpcConfig.SecurityGroupIds)' },
  { given: 'an empty list of security groups', build: inVpc(ISOLATED, () => ({ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, securityGroups: [] })), prop: 'securityGroups', received: '"0 security groups"', allowed: '1 to 5 security groups' },
  { given: 'an environment variable name starting with a digit', build: endpoint({ model: ModelSource.fromArtifact({ image: ModelImage.fromUri(IMAGE_URI), environment: { '1THREADS': '4' } }) }), prop: 'model.environment', received: '"1THREADS"', allowed: 'variable names of at most 1024 letters, digits and _, not starting with a digit' },
  { given: '101 environment variables', build: endpoint({ model: ModelSource.fromArtifact({ image: ModelImage.fromUri(IMAGE_URI), environment: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`V${i}`, 'x'])) }) }), prop: 'model.environment', received: '"101 variables"', allowed: 'at most 100 variables' },
  { given: 'a model package group name of 70 characters', build: endpoint({ model: ModelSource.fromModelPackage({ modelPackageArn: `arn:aws:sagemaker:eu-west-1:123456789012:model-package/${long(70, 'g')}/3` }) }), prop: 'model.modelPackageArn', received: q(`arn:aws:sagemaker:eu-west-1:123456789012:model-package/${long(70, 'g')}/3`), allowed: 'the group name 1 to 63 letters, digits and hyphens' },
  { given: 'a model artifact URL of 1025 characters', build: endpoint({ model: ModelSource.fromArtifact({ image: ModelImage.fromUri(IMAGE_URI), artifact: ModelArtifact.fromS3Url(`s3://artifacts-bucket/${long(1003, 'm')}`) }) }), prop: 'model.artifact', received: q(`s3://artifacts-bucket/${long(1003, 'm')}`), allowed: "an S3 URL 's3://<bucket>/<key>' of at most 1024 characters (this one has 1025)" },
];

const ALL: Array<[string, BadInput[]]> = [
  ['names (SageMaker API: 63 characters and a pattern)', NAMES],
  ['instance types (ProductionVariantInstanceType)', INSTANCE_TYPES],
  ['integers (API Integer: 32 bits)', INTEGERS],
  ['log retention (CloudWatch Logs RetentionInDays)', LOG_RETENTION],
  ['alarm windows (CloudWatch PutMetricAlarm)', ALARM_WINDOWS],
  ['tag values (AWS tag character set, 256 characters)', TAG_VALUES],
  ['kill-switch parameters (SSM names, tags, unique in the app)', KILL_SWITCH],
  ['kill-switch parameter names (the ones the shared enforcer serves: /governed-endpoint/<...>/kill-switch)', KILL_SWITCH_NAMES],
  ['durations in whole days and Object Lock (S3)', WHOLE_DAYS],
  ['network and model (SageMaker VpcConfig and ContainerDefinition)', NETWORK_AND_MODEL],
];

/** The error `build` throws. */
function errorOf(build: () => unknown): string {
  try {
    build();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error, but the construct was built');
}

describe.each(ALL)('bad input fails at synth: %s', (_class, cases) => {
  test.each(cases)('GIVEN $given WHEN the construct is built THEN one error names $prop, the value received and what is allowed', ({ build, prop, received, allowed }) => {
    const message = errorOf(build);
    expect(message).toMatch(/^[A-Za-z]+ at '[^']+' has invalid props:\n/);
    const line = message.split('\n').find((l) => l.startsWith(`  - ${prop}: received ${received}; allowed: `));
    expect({ line, message }).toEqual({ line: expect.any(String), message });
    expect(line!.slice(line!.indexOf('; allowed: ') + '; allowed: '.length)).toContain(allowed);
  });
});

test('the table holds at least 60 bad inputs', () => {
  expect(ALL.reduce((n, [, cases]) => n + cases.length, 0)).toBeGreaterThanOrEqual(60);
});
