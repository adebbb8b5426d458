import { App, CfnResource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { AiGovernanceChecks, AiGovernanceChecksProps } from '../../lib/nag/ai-governance-checks';

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
