import { App, CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import { NagRuleCompliance } from 'cdk-nag';
import { Construct, IConstruct } from 'constructs';
import { AiGovernanceChecks, AiGovernanceChecksProps } from '../../lib/nag/ai-governance-checks';
import { GovernanceContext } from '../../lib/nag/governance-context';
import { AI_GOVERNANCE_RULES } from '../../lib/nag/rules';

/**
 * Test kit of the AI governance pack: run the pack over an app, read one rule's verdict on one resource, and build
 * plain L1 endpoints (ungoverned, or governed in every control) for rule tests to break one control at a time.
 */

/** One finding of the AI governance pack. */
export interface PackFinding {
  /** Rule ID without the pack prefix, e.g. `EndpointOwnership`. */
  readonly rule: string;
  readonly severity: string;
  /** Construct path of the resource. */
  readonly path: string;
  readonly message: string;
}

/** Synthesize the app of `scope` and run the AI governance pack over `scope`. */
export function governanceFindings(scope: IConstruct, props: AiGovernanceChecksProps = {}): PackFinding[] {
  (scope.node.root as App).synth();
  const report = new AiGovernanceChecks(undefined, props).validateScope(scope);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => ({
    rule: v.ruleName.replace(`${AiGovernanceChecks.PACK_NAME}-`, ''),
    severity: v.severity ?? 'error',
    path: r.constructPath ?? '',
    message: v.description,
  })));
}

/** A rule's verdict on one resource. */
export type Verdict = 'compliant' | 'non-compliant' | 'not-applicable';

/**
 * The verdict of `rule` (name without prefix) on `construct` (an L1, or an L2 whose default child is judged), read
 * from the rule itself after synthesizing the app. Throws when the pack's findings disagree with it: a resource is
 * reported exactly when it is non-compliant.
 */
export function verdictOn(rule: string, construct: IConstruct, props: AiGovernanceChecksProps = {}): Verdict {
  const definition = AI_GOVERNANCE_RULES.find((r) => r.name === rule);
  if (definition === undefined) {
    throw new Error(`the pack has no rule ${rule}`);
  }
  const reported = rulesOn(governanceFindings(construct.node.root, props), construct).includes(rule);
  const node = (CfnResource.isCfnResource(construct) ? construct : construct.node.defaultChild) as CfnResource;
  const compliance = definition.assess(node, GovernanceContext.of(node, new AiGovernanceChecks(undefined, props).settings)).compliance;
  const verdict: Verdict = compliance === NagRuleCompliance.COMPLIANT ? 'compliant'
    : compliance === NagRuleCompliance.NON_COMPLIANT ? 'non-compliant' : 'not-applicable';
  if (reported !== (verdict === 'non-compliant')) {
    throw new Error(`${rule} on ${node.node.path}: the rule says ${verdict}, but the pack ${reported ? 'reports' : 'does not report'} it`);
  }
  return verdict;
}

/** The rule IDs (without prefix) the pack reports on one construct. */
export function rulesOn(findings: PackFinding[], construct: IConstruct): string[] {
  const path = CfnResource.isCfnResource(construct) ? construct.node.path : (construct.node.defaultChild ?? construct).node.path;
  return findings.filter((f) => f.path === path).map((f) => f.rule).sort();
}

/** A fresh app with one stack. */
export function newStack(id = 'Test'): Stack {
  return new Stack(new App(), id);
}

/** Props of the plain L1 endpoint {@link l1Endpoint} builds; every part can be replaced or removed. */
export interface L1EndpointOptions {
  readonly tags?: Record<string, string>;
  readonly instanceType?: string;
  readonly instanceCount?: number;
  readonly model?: Partial<sagemaker.CfnModelProps>;
  readonly config?: Partial<sagemaker.CfnEndpointConfigProps>;
  readonly endpoint?: Partial<sagemaker.CfnEndpointProps>;
  readonly role?: iam.IRole;
}

/** A plain L1 endpoint: CfnModel + CfnEndpointConfig + CfnEndpoint, with nothing governed unless options add it. */
export function l1Endpoint(scope: Construct, id: string, options: L1EndpointOptions = {}) {
  const role = options.role ?? new iam.Role(scope, `${id}Role`, {
    assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSageMakerFullAccess')],
  });
  const tags = Object.entries(options.tags ?? {}).map(([key, value]) => ({ key, value }));
  const model = new sagemaker.CfnModel(scope, `${id}Model`, {
    executionRoleArn: role.roleArn,
    primaryContainer: { image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/scoring:1', modelDataUrl: 's3://artifacts/model.tar.gz' },
    ...options.model,
  });
  const config = new sagemaker.CfnEndpointConfig(scope, `${id}Config`, {
    productionVariants: [{
      variantName: 'primary',
      modelName: model.attrModelName,
      instanceType: options.instanceType ?? 'ml.m5.large',
      initialInstanceCount: options.instanceCount ?? 1,
    }],
    ...options.config,
  });
  const endpoint = new sagemaker.CfnEndpoint(scope, `${id}Endpoint`, {
    endpointConfigName: config.attrEndpointConfigName,
    tags,
    ...options.endpoint,
  });
  return { role, model, config, endpoint };
}

/** Tags of a fully governed endpoint at `tier`. */
export function governanceTags(tier = 'HIGH', extra: Record<string, string> = {}): Record<string, string> {
  return { 'governance:owner': 'fraud-ml@example.com', 'governance:purpose': 'card fraud scoring', 'governance:risk-tier': tier, ...extra };
}

/** An alarm with an action on an encrypted topic. */
export function notifyingAlarm(scope: Construct, id: string): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, {
    metric: new cloudwatch.Metric({ namespace: 'AWS/SageMaker', metricName: 'Invocation5XXErrors' }),
    threshold: 1,
    evaluationPeriods: 1,
  });
  const topic = new sns.Topic(scope, `${id}Topic`, { masterKey: new kms.Key(scope, `${id}Key`, { enableKeyRotation: true }) });
  alarm.addAlarmAction({ bind: () => ({ alarmActionArn: topic.topicArn }) });
  return alarm;
}

/** A data capture config that meets every default floor. */
export function fullDataCapture(sampling = 100): sagemaker.CfnEndpointConfig.DataCaptureConfigProperty {
  return {
    enableCapture: true,
    initialSamplingPercentage: sampling,
    destinationS3Uri: 's3://evidence/data-capture',
    kmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    captureOptions: [{ captureMode: 'Input' }, { captureMode: 'Output' }],
  };
}

/** A kill-switch parameter for an endpoint, and the tag that associates it. */
export function killSwitchParameter(scope: Construct, id: string, name = '/governed-endpoint/scoring/kill-switch'): ssm.StringParameter {
  return new ssm.StringParameter(scope, id, { parameterName: name, stringValue: 'ACTIVE' });
}

/** The pause deny statement a governed invoke grant carries. */
export function pauseDeny(endpointArn: string, tagKey = 'governance:kill-switch'): iam.PolicyStatement {
  return new iam.PolicyStatement({
    effect: iam.Effect.DENY,
    actions: ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointAsync', 'sagemaker:InvokeEndpointWithResponseStream'],
    resources: [endpointArn],
    conditions: { StringEquals: { [`aws:ResourceTag/${tagKey}`]: 'PAUSED' } },
  });
}

/** The endpoint name {@link governedL1Endpoint} uses. */
export const GOVERNED_ENDPOINT_NAME = 'fraud-scoring';

/**
 * A plain L1 endpoint governed in every control, built without the library: tags, a narrow execution role, network
 * isolation, two instances, volume key, data capture into an evidence bucket of the app (KMS, versioned, TLS-only,
 * private, access-logged, Object Lock, retained), a rollout with a rollback alarm that notifies, the endpoint's log
 * group (KMS, one year, retained), a kill-switch parameter, a role that may snapshot the endpoint into evidence, a
 * monitoring-configuration parameter and a review interval (both named by tags; the parameter also sends the reviews).
 */
export function governedL1Endpoint(scope: Construct, tier = 'HIGH') {
  const key = new kms.Key(scope, 'GovernanceKey', { enableKeyRotation: true });
  const accessLogs = new s3.Bucket(scope, 'AccessLogs', { enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL });
  const evidence = new s3.Bucket(scope, 'Evidence', {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: key,
    enforceSSL: true,
    versioned: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    serverAccessLogsBucket: accessLogs,
    objectLockEnabled: true,
    objectLockDefaultRetention: s3.ObjectLockRetention.governance(Duration.days(365)),
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const role = new iam.Role(scope, 'ModelRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  new iam.ManagedPolicy(scope, 'ModelPolicy', {
    roles: [role],
    statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::artifacts/model.tar.gz'] })],
  });
  const parameter = killSwitchParameter(scope, 'KillSwitch', `/governed-endpoint/${GOVERNED_ENDPOINT_NAME}/kill-switch`);
  const monitoringConfig = new ssm.StringParameter(scope, 'MonitoringConfig', {
    parameterName: `/governed-endpoint/${GOVERNED_ENDPOINT_NAME}/monitoring`, stringValue: '{"version":1}',
  });
  const alarm = notifyingAlarm(scope, 'Errors');
  (alarm.node.defaultChild as cloudwatch.CfnAlarm).dimensions = [{ name: 'EndpointName', value: GOVERNED_ENDPOINT_NAME }];
  const { model, config, endpoint } = l1Endpoint(scope, 'Governed', {
    role,
    tags: governanceTags(tier, {
      'governance:kill-switch-parameter': parameter.parameterName,
      'governance:monitoring-config': monitoringConfig.parameterName,
      'governance:review-every-days': '90',
    }),
    instanceCount: 2,
    model: { enableNetworkIsolation: true },
    config: {
      kmsKeyId: key.keyArn,
      dataCaptureConfig: { ...fullDataCapture(100), destinationS3Uri: `s3://${evidence.bucketName}/data-capture`, kmsKeyId: key.keyArn },
    },
    endpoint: {
      endpointName: GOVERNED_ENDPOINT_NAME,
      deploymentConfig: {
        blueGreenUpdatePolicy: { trafficRoutingConfiguration: { type: 'CANARY', canarySize: { type: 'CAPACITY_PERCENT', value: 10 } } },
        autoRollbackConfiguration: { alarms: [{ alarmName: alarm.alarmName }] },
      },
    },
  });
  const logGroup = new logs.LogGroup(scope, 'EndpointLogs', {
    logGroupName: `/aws/sagemaker/Endpoints/${GOVERNED_ENDPOINT_NAME}`,
    retention: logs.RetentionDays.ONE_YEAR,
    encryptionKey: key,
  });
  endpoint.node.addDependency(logGroup);
  const snapshotter = new iam.Role(scope, 'Snapshotter', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  snapshotter.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sagemaker:DescribeEndpoint'], resources: [endpoint.ref] }));
  snapshotter.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [evidence.arnForObjects('kill-switch/*')] }));
  return { key, evidence, accessLogs, role, parameter, monitoringConfig, alarm, model, config, endpoint, logGroup, snapshotter };
}
