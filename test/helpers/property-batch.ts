/**
 * Synthesizes many generated `GovernedEndpoint` configurations in one app (two endpoint stacks and a network stack)
 * and checks each one: the props error the construct must raise, or a template that passes aws-cdk-lib's built-in
 * CloudFormation validation, the five nag packs and the governance report's readiness checklist. Findings are
 * attributed to configurations by construct path, so one synth checks a whole batch.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, CfnResource, Duration, Names, Stack, TagManager } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { GovernanceFoundation } from '../../constructs/governance-foundation';
import { GovernedEndpoint, GovernedEndpointProps } from '../../constructs/governed-endpoint';
import { GovernanceTags, minimumInstanceCount, tierFloors } from '../../lib/policy/governance';
import { SAGEMAKER_NAME } from '../../lib/policy/aws-limits';
import { AUTO_PAUSE_TAG_PREFIX } from '../../lib/policy/kill-switch-protocol';
import { MONITORING_CONFIG_TAG } from '../../lib/policy/monitoring-protocol';
import { BaselineFormat, FeatureKind, MonitoringBaseline, MonitoringOptions, PayloadFormat, ProblemType } from '../../constructs/monitoring-options';
import { ModelArtifact, ModelImage, ModelSource } from '../../constructs/model-source';
import { acknowledge, inCompliancePacks } from '../../constructs/private/acknowledge';
import { AiGovernanceChecks } from '../../lib/nag/ai-governance-checks';
import { buildGovernanceReport } from '../../lib/report/report-document';
import {
  AlarmName, baselineUrl, deploymentPolicy, expectedProblems, GeneratedEndpoint, GeneratedFeature, GeneratedMonitoring, GeneratedStack, hasAdditionalRollbackAlarm,
} from './endpoint-configs';
import { compliancePacks } from './nag';

const IMAGE_URI = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/fraud-scoring:1.4.2';
const ARTIFACT_URL = 's3://model-artifacts-bucket/fraud/v14/model.tar.gz';
const PACKAGE_ARN = 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/fraud-scoring/3';
const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee';
/** The user's network: its own findings (flow logs, NAT) are not the library's, and are not counted. */
const NETWORK_STACK = 'Network';
const ERROR_HEAD = /^GovernedEndpoint at '([^']+)' has invalid props:\n/;
const ERROR_LINE = /^ {2}- ([A-Za-z0-9_.[\]]+): \S.*$/;

/** A batch: configurations spread over stacks (configuration `i` goes to stack `i % stacks.length`). */
export interface Batch {
  readonly stacks: readonly GeneratedStack[];
  readonly endpoints: readonly GeneratedEndpoint[];
}

/** What went wrong with one configuration (or with the batch's shared resources, `index` undefined). */
export interface Failure {
  readonly index?: number;
  readonly config?: GeneratedEndpoint;
  readonly problem: string;
}

/** What a batch did: the failures, and how many configurations the construct accepted and refused. */
export interface BatchResult {
  readonly failures: Failure[];
  readonly accepted: number;
  readonly refused: number;
  /** Every prop the construct named in a refusal, once per refusal. */
  readonly refusedProps: string[];
}

/** Build and synthesize `batch`, then check every configuration of it. */
export function checkBatch(batch: Batch): BatchResult {
  const app = new App();
  const stacks = batch.stacks.map((_, k) => new Stack(app, `Serving${k}`));
  const needsVpc = batch.endpoints.some((e) => e.vpc !== undefined);
  const network = needsVpc ? networkOf(app) : undefined;
  const explicitFoundations = stacks.map((stack, k) => (batch.endpoints.some((e, i) => i % stacks.length === k && e.foundation === 'explicit')
    ? new GovernanceFoundation(stack, 'Foundation', { objectLock: batch.stacks[k].explicitFoundationObjectLock })
    : undefined));

  const failures: Failure[] = [];
  const refusedProps: string[] = [];
  const accepted = new Map<number, GovernedEndpoint>();
  batch.endpoints.forEach((config, i) => {
    const k = i % stacks.length;
    const fail = (problem: string) => failures.push({ index: i, config, problem });
    const expected = expectedProblems(config, batch.stacks[k]);
    const id = `E${i}`;
    let endpoint: GovernedEndpoint | undefined;
    try {
      const built = propsOf(config, i, stacks[k], network, explicitFoundations[k]);
      endpoint = new GovernedEndpoint(stacks[k], id, built.props);
      built.wire(endpoint);
    } catch (e) {
      const props = refusal(e, `${stacks[k].node.path}/${id}`, fail);
      refusedProps.push(...props);
      if (JSON.stringify(props) !== JSON.stringify(expected)) {
        fail(`refused naming ${JSON.stringify(props)}, expected ${expected.length === 0 ? 'acceptance' : JSON.stringify(expected)}:\n${(e as Error).message}`);
      }
      const created = stacks[k].node.tryFindChild(id)?.node.findAll().length ?? 1;
      if (created > 1) {
        fail(`refused after creating ${created - 1} constructs: a props error comes before any resource`);
      }
      // A refused configuration leaves nothing to deploy: drop it and the user's resources made for it.
      stacks[k].node.tryRemoveChild(id);
      stacks[k].node.tryFindChild('Fixtures')?.node.tryRemoveChild(`E${i}`);
      return;
    }
    if (expected.length > 0) {
      fail(`accepted, but the construct must refuse it naming ${JSON.stringify(expected)}`);
    }
    accepted.set(i, endpoint);
    if (config.grantInvoke) {
      const caller = new iam.Role(stacks[k], `Caller${i}`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      endpoint.grantInvoke(caller);
      // The caller is the user's role: CDK writes grants into its inline default policy, the user's choice to make.
      acknowledge(caller, inCompliancePacks('IAMNoInlinePolicy'), 'The calling application role is the user\'s; CDK grants go into its inline default policy.');
    }
  });

  const attribute = (constructPath: string | undefined, problem: string) => {
    const m = /^Serving\d+\/(?:E|Caller|Fixtures\/E)(\d+)(?:\/|$)/.exec(constructPath ?? '');
    const index = m ? Number(m[1]) : undefined;
    failures.push({ index, config: index === undefined ? undefined : batch.endpoints[index], problem: `${problem} at ${constructPath}` });
  };

  // A stack whose every configuration was refused holds no resource; CloudFormation would reject it (F0001), and
  // it has nothing to check: leave it out of the app.
  for (const stack of stacks) {
    if (!stack.node.findAll().some(CfnResource.isCfnResource)) {
      app.node.tryRemoveChild(stack.node.id);
    }
  }

  let assemblyDir: string;
  try {
    assemblyDir = app.synth().directory;
  } catch (e) {
    failures.push({ problem: `synth failed: ${(e as Error).message}` });
    return { failures, accepted: accepted.size, refused: batch.endpoints.length - accepted.size, refusedProps };
  }

  // aws-cdk-lib's built-in CloudFormation validation: every finding, warnings included.
  for (const report of validationReports(assemblyDir)) {
    for (const v of report.violations ?? []) {
      for (const c of v.violatingConstructs ?? []) {
        attribute(c.constructPath, `CloudFormation validation ${v.severity} ${v.ruleName}: ${v.description}`);
      }
    }
  }

  // The five packs and the governance report, from one run of each pack.
  const report = buildGovernanceReport(app, [...compliancePacks(), new AiGovernanceChecks()]);
  for (const pack of report.nag) {
    if (pack.failure) {
      failures.push({ problem: `${pack.pack} failed to run: ${pack.failure}` });
    }
    for (const f of pack.findings.filter((x) => !x.path.startsWith(`${NETWORK_STACK}/`))) {
      attribute(f.path, `unacknowledged ${f.severity} ${f.rule}`);
    }
  }
  for (const [i, endpoint] of accepted) {
    const entry = report.endpoints.find((e) => e.path === endpoint.cfnEndpoint.node.path);
    const open = entry === undefined ? ['(no report entry)'] : entry.readiness.filter((r) => !r.ready).map((r) => `${r.item}: ${r.detail}`);
    if (open.length > 0) {
      failures.push({ index: i, config: batch.endpoints[i], problem: `accepted, but the report says not ready: ${open.join('; ')}` });
    }
    checkTemplate(endpoint, batch.endpoints[i], (problem) => failures.push({ index: i, config: batch.endpoints[i], problem }));
  }
  return { failures, accepted: accepted.size, refused: batch.endpoints.length - accepted.size, refusedProps };
}

/** The props a generated configuration stands for, with the user's resources it needs created in its stack. */
function propsOf(c: GeneratedEndpoint, i: number, stack: Stack, network: Network | undefined, explicit?: GovernanceFoundation): Built {
  const fixtures = fixturesOf(stack, i);
  const tierFloor = minimumInstanceCount(c.tier);
  const count = c.instanceCount ?? tierFloor;
  const alarmOptions = (a: AlarmName) => (c.alarms.disabled.includes(a) ? { enabled: false } : {
    period: c.alarms.periodMinutes === undefined ? undefined : Duration.minutes(c.alarms.periodMinutes),
    evaluationPeriods: c.alarms.evaluationPeriods,
    datapointsToAlarm: c.alarms.datapointsToAlarm,
  });
  const fixtureAlarm = (name: string) => new cloudwatch.Alarm(fixtures, name, {
    metric: new cloudwatch.Metric({ namespace: 'AWS/SageMaker', metricName: 'OverheadLatency', dimensionsMap: { EndpointName: `fixture-${i}` } }),
    threshold: 1000,
    evaluationPeriods: 1,
  });
  const rollbackAlarm = hasAdditionalRollbackAlarm(c) ? fixtureAlarm('RollbackAlarm') : undefined;
  const foundation = c.foundation === 'explicit' ? { foundation: explicit }
    : c.foundation === 'user-key' ? { encryptionKey: new kms.Key(fixtures, 'Key', { enableKeyRotation: true }) }
      : c.foundation === 'imported-key-and-bucket' ? {
        encryptionKey: kms.Key.fromKeyArn(fixtures, 'ImportedKey', KEY_ARN),
        evidenceBucket: s3.Bucket.fromBucketName(fixtures, 'ImportedEvidence', `evidence-${i}`),
      } : {};
  const endpointName = c.endpointName === undefined ? undefined : `${c.endpointName}-${stack.node.id}-${i}`;
  const props: GovernedEndpointProps = {
    model: modelOf(c, fixtures),
    governance: { owner: 'ml-platform@example.com', purpose: `property test ${i}`, riskTier: c.tier, reviewEveryDays: c.reviewEveryDays },
    endpointName,
    variantName: c.variantName,
    instanceType: c.instanceType,
    initialInstanceCount: c.instanceCount,
    dataCapture: c.samplingPercentage === undefined ? undefined : { samplingPercentage: c.samplingPercentage },
    logRetention: c.logRetention,
    networkIsolation: c.networkIsolation,
    networkIsolationRiskAcceptance: c.networkIsolationRiskAcceptance,
    approvalGate: c.approvalGate,
    approvalGateRiskAcceptance: c.approvalGateRiskAcceptance,
    ...foundation,
    ...(c.vpc && network ? {
      vpc: network.vpc,
      vpcSubnets: c.vpc === 'private-with-egress' ? undefined : { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: c.vpc === 'isolated-own-security-group' ? [network.securityGroup] : undefined,
    } : {}),
    deployment: deploymentPolicy(c.deployment, rollbackAlarm ? [rollbackAlarm] : undefined),
    alarms: {
      serverErrorRate: alarmOptions('serverErrorRate'),
      clientErrorRate: alarmOptions('clientErrorRate'),
      modelLatency: alarmOptions('modelLatency'),
      modelErrors: alarmOptions('modelErrors'),
      cpuUtilization: alarmOptions('cpuUtilization'),
      memoryUtilization: alarmOptions('memoryUtilization'),
      diskUtilization: alarmOptions('diskUtilization'),
      zeroTraffic: alarmOptions('zeroTraffic'),
      notifyOnRecovery: c.alarms.notifyOnRecovery,
      dashboard: c.alarms.dashboard,
      emailSubscriptions: c.alarms.email ? [`oncall-${i}@example.com`] : undefined,
    },
    autoScaling: c.autoScaling === undefined ? undefined : {
      minCapacity: c.autoScaling.minCapacity,
      maxCapacity: Math.max(count, tierFloor) + c.autoScaling.extraCapacity,
      targetInvocationsPerInstance: c.autoScaling.targetInvocationsPerInstance,
      scaleInCooldown: c.autoScaling.scaleInSeconds === undefined ? undefined : Duration.seconds(c.autoScaling.scaleInSeconds),
      scaleOutCooldown: c.autoScaling.scaleOutSeconds === undefined ? undefined : Duration.seconds(c.autoScaling.scaleOutSeconds),
      disableScaleIn: c.autoScaling.disableScaleIn,
    },
    killSwitch: {
      parameterName: c.killSwitch.parameterName ? `/governed-endpoint/${stack.node.id}/endpoint-${i}/kill-switch` : undefined,
      autoPauseOn: c.killSwitch.autoPause ? [fixtureAlarm('PauseAlarm')] : undefined,
    },
    monitoring: monitoringOf(c.monitoring, () => endpointName ?? generatedEndpointName(stack, `E${i}`)),
  };
  // The user's own rollback alarm notifies the endpoint's alert topic, like every alarm should.
  return { props, wire: (endpoint) => rollbackAlarm?.addAlarmAction(new cw_actions.SnsAction(endpoint.alarms.alertTopic)) };
}

/** The name the construct gives endpoint `id` of `stack` when it is given none (as a construct at the same path would get). */
function generatedEndpointName(stack: Stack, id: string): string {
  const probe = new Construct(new Stack(new App(), stack.node.id), id);
  return Names.uniqueResourceName(probe, { maxLength: SAGEMAKER_NAME.maxLength, separator: '-' });
}

/** The `monitoring` prop a generated one stands for; `endpointName` gives the name a `fromS3` baseline's URL is under. */
function monitoringOf(m: GeneratedMonitoring | undefined, endpointName: () => string): MonitoringOptions | undefined {
  if (m === undefined) {
    return undefined;
  }
  const feature = (f: GeneratedFeature) => ({ name: f.name, kind: f.kind === 'numeric' ? FeatureKind.NUMERIC : FeatureKind.CATEGORICAL, csvIndex: f.csvIndex, jsonPath: f.jsonPath });
  if (m.kind === 'riskAcceptance') {
    return { riskAcceptance: m.reason, features: m.withFeatures ? [feature({ name: 'amount', kind: 'numeric', csvIndex: 0 })] : undefined };
  }
  const format = (f?: 'CSV' | 'JSON') => (f === undefined ? undefined : f === 'CSV' ? PayloadFormat.CSV : PayloadFormat.JSON);
  const minutes = (n?: number) => (n === undefined ? undefined : n % 60 === 0 ? Duration.hours(n / 60) : Duration.minutes(n));
  const b = m.baseline;
  const baselineFormat = (f: 'CSV' | 'JSONL') => (f === 'CSV' ? BaselineFormat.CSV : BaselineFormat.JSONL);
  const gt = m.groundTruth;
  return {
    features: m.features?.map(feature),
    prediction: m.prediction && { kind: m.prediction.kind === 'numeric' ? FeatureKind.NUMERIC : FeatureKind.CATEGORICAL, csvIndex: m.prediction.csvIndex, jsonPath: m.prediction.jsonPath },
    inputFormat: format(m.inputFormat),
    outputFormat: format(m.outputFormat),
    baseline: b === undefined ? undefined
      : b.kind === 'warmUp' ? MonitoringBaseline.fromWarmUp(b.hours % 24 === 0 ? Duration.days(b.hours / 24) : Duration.hours(b.hours))
        : b.kind === 'evidence' ? MonitoringBaseline.fromEvidenceStore(b.fileName, baselineFormat(b.format))
          : MonitoringBaseline.fromS3(baselineUrl(b, endpointName()), baselineFormat(b.format)),
    window: minutes(m.windowMinutes),
    sampleSize: m.sampleSize,
    driftThreshold: m.driftThreshold,
    predictionDriftThreshold: m.predictionDriftThreshold,
    invalidRecordRateThreshold: m.invalidRecordRateThreshold,
    perFeatureMetrics: m.perFeatureMetrics,
    groundTruth: gt && {
      problemType: ProblemType[gt.problemType],
      labelDelay: minutes(gt.labelDelayMinutes),
      positiveLabel: gt.positiveLabel,
      scoreThreshold: gt.scoreThreshold,
      minimumAccuracy: gt.minimumAccuracy,
      minimumF1: gt.minimumF1,
      maximumMae: gt.maximumMae,
      maximumRmse: gt.maximumRmse,
    },
    hypercare: minutes(m.hypercareMinutes),
    autoPause: m.autoPause,
  };
}

/** The scope of the user's resources a configuration needs: `<stack>/Fixtures/E<i>`. */
function fixturesOf(stack: Stack, i: number): Construct {
  const all = (stack.node.tryFindChild('Fixtures') as Construct | undefined) ?? new Construct(stack, 'Fixtures');
  return new Construct(all, `E${i}`);
}

/** A configuration's props, and what to wire once its endpoint exists. */
interface Built {
  readonly props: GovernedEndpointProps;
  readonly wire: (endpoint: GovernedEndpoint) => void;
}

function modelOf(c: GeneratedEndpoint, fixtures: Construct): ModelSource {
  const environment = c.environment ? { LOG_LEVEL: 'info', MODEL_VERSION: '14' } : undefined;
  switch (c.model) {
    case 'package':
      return ModelSource.fromModelPackage({ modelPackageArn: PACKAGE_ARN });
    case 'image-only':
      return ModelSource.fromArtifact({ image: ModelImage.fromUri(IMAGE_URI), environment });
    case 'ecr-and-bucket':
      return ModelSource.fromArtifact({
        image: ModelImage.fromEcrRepository(ecr.Repository.fromRepositoryName(fixtures, 'Repository', 'fraud-scoring'), '1.4.2'),
        artifact: ModelArtifact.fromBucket(s3.Bucket.fromBucketName(fixtures, 'Artifacts', 'model-artifacts-bucket'), 'fraud/v14/model.tar.gz'),
        environment,
      });
    default:
      return ModelSource.fromArtifact({ image: ModelImage.fromUri(IMAGE_URI), artifact: ModelArtifact.fromS3Url(ARTIFACT_URL), environment });
  }
}

interface Network {
  readonly vpc: ec2.Vpc;
  readonly securityGroup: ec2.SecurityGroup;
}

function networkOf(app: App): Network {
  const stack = new Stack(app, NETWORK_STACK);
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'egress', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      { name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  const securityGroup = new ec2.SecurityGroup(stack, 'ModelSecurityGroup', { vpc, description: 'Model containers: HTTPS egress only', allowAllOutbound: false });
  securityGroup.addEgressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(443), 'HTTPS to the VPC endpoints');
  return { vpc, securityGroup };
}

/**
 * The props a refusal names, checking the documented format: one error, `GovernedEndpoint at '<path>' has invalid
 * props:` then one `  - <prop>: <what was received and what is allowed>` line per problem.
 */
function refusal(e: unknown, constructPath: string, fail: (problem: string) => void): string[] {
  const message = e instanceof Error ? e.message : String(e);
  const head = ERROR_HEAD.exec(message);
  if (!head || head[1] !== constructPath) {
    fail(`threw something else than the props error of ${constructPath}: ${message.split('\n')[0]}`);
    return [];
  }
  const lines = message.slice(head[0].length).split('\n');
  const props: string[] = [];
  for (const line of lines) {
    const m = ERROR_LINE.exec(line);
    if (!m) {
      fail(`props error line not in the documented format: ${JSON.stringify(line)}`);
      continue;
    }
    props.push(m[1]);
  }
  return [...new Set(props)].sort();
}

interface ValidationReport {
  readonly pluginName: string;
  readonly violations?: { ruleName: string; description: string; severity: string; violatingConstructs?: { constructPath?: string }[] }[];
}

/** The plugin reports aws-cdk-lib wrote into the cloud assembly at synth (`validation-report.json`). */
function validationReports(assemblyDir: string): ValidationReport[] {
  const file = path.join(assemblyDir, 'validation-report.json');
  if (!fs.existsSync(file)) {
    return [];
  }
  return (JSON.parse(fs.readFileSync(file, 'utf8')).pluginReports ?? []) as ValidationReport[];
}

/** Invariants of the endpoint's own resources in the synthesized template. */
function checkTemplate(endpoint: GovernedEndpoint, c: GeneratedEndpoint, fail: (problem: string) => void): void {
  const template = Stack.of(endpoint).resolve((endpoint.cfnEndpointConfig as any)._toCloudFormation());
  const config = Object.values(template.Resources as Record<string, any>)[0].Properties;
  const capture = config.DataCaptureConfig;
  const expectedSampling = c.samplingPercentage ?? { LOW: 20, MEDIUM: 50, HIGH: 100 }[c.tier];
  if (capture?.EnableCapture !== true || capture.InitialSamplingPercentage !== expectedSampling || capture.KmsKeyId === undefined ||
    JSON.stringify(capture.CaptureOptions) !== JSON.stringify([{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }])) {
    fail(`data capture is not input and output, KMS-encrypted, at ${expectedSampling}%: ${JSON.stringify(capture)}`);
  }
  const statements = endpoint.node.findAll().filter((x) => x instanceof iam.ManagedPolicy || x instanceof iam.Policy)
    .flatMap((p) => Stack.of(p).resolve((p as iam.ManagedPolicy).document.toJSON())?.Statement ?? []);
  for (const s of statements) {
    const actions = ([] as string[]).concat(s.Action ?? []);
    if (actions.some((a) => a.includes('*'))) {
      fail(`an IAM statement allows a wildcard action: ${JSON.stringify(s)}`);
    }
  }
  const tags = new Map(Object.entries(endpoint.cfnEndpoint.tags.tagValues()));
  const reviewEvery = String(c.reviewEveryDays ?? tierFloors(c.tier).reviewIntervalDays);
  if (tags.get(GovernanceTags.REVIEW_EVERY_DAYS) !== reviewEvery) {
    fail(`the endpoint's ${GovernanceTags.REVIEW_EVERY_DAYS} tag is ${JSON.stringify(tags.get(GovernanceTags.REVIEW_EVERY_DAYS))}, expected ${reviewEvery}`);
  }
  const monitored = c.monitoring?.kind === 'monitored';
  if (monitored !== (endpoint.monitoring !== undefined) || monitored !== tags.has(MONITORING_CONFIG_TAG)) {
    fail(`monitored ${monitored}, but the endpoint has ${endpoint.monitoring ? 'a' : 'no'} monitoring and ${tags.has(MONITORING_CONFIG_TAG) ? 'a' : 'no'} ${MONITORING_CONFIG_TAG} tag`);
  }
  let pausing = 0;
  for (const alarm of endpoint.monitoring?.alarms ?? []) {
    const cfn = alarm.node.defaultChild as cloudwatch.CfnAlarm;
    if ((Stack.of(alarm).resolve(cfn.alarmActions) ?? []).length === 0) {
      fail(`the monitoring alarm ${alarm.node.path} notifies no one`);
    }
    pausing += Object.keys(TagManager.of(cfn)?.tagValues() ?? {}).some((k) => k.startsWith(AUTO_PAUSE_TAG_PREFIX)) ? 1 : 0;
  }
  const autoPause = c.monitoring?.kind === 'monitored' && c.monitoring.autoPause === true;
  if (autoPause !== (pausing > 0)) {
    fail(`monitoring.autoPause is ${autoPause}, but ${pausing} of the monitoring alarms pause the endpoint`);
  }
  const group = Stack.of(endpoint).resolve((endpoint.logGroup.node.defaultChild as any)._toCloudFormation());
  const lg = Object.values(group.Resources as Record<string, any>)[0];
  const days = lg.Properties.RetentionInDays;
  if ((days !== undefined && days < 180) || lg.Properties.KmsKeyId === undefined || lg.DeletionPolicy !== 'Retain') {
    fail(`the log group is not KMS-encrypted, retained and kept at least 180 days: ${JSON.stringify(lg)}`);
  }
}
