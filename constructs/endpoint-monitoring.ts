import { Duration, Stack, Tags, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { SAGEMAKER_NAME } from '../lib/policy/aws-limits';
import { GovernanceProps, GovernanceTags, RiskTier } from '../lib/policy/governance';
import {
  defaultMonitoringConfigParameterName, DRIFT_ALARM, MONITORING_METRIC_NAMESPACE, MonitoringConfig, MonitoringMetrics, MonitoringPrefixes,
} from '../lib/policy/monitoring-protocol';
import { KillSwitch } from './kill-switch';
import { MonitoringOptions } from './monitoring-options';
import { SettingsHandoff } from './private/handoff';
import {
  evidenceBaselineUri, MonitoringDecision, MonitoringTarget, resolveMonitoring, resolveReviewEvery, ResolvedMonitoring,
} from './private/monitoring-settings';
import { checkGovernance, PropsValidator } from './private/validation';

/** SSM Parameter Store's Standard tier holds values up to 4 KB; larger configurations use the Advanced tier (8 KB). */
const STANDARD_PARAMETER_BYTES = 4096;

/** Props of {@link EndpointMonitoring}: the endpoint's monitoring options and what the endpoint knows of itself. */
export interface EndpointMonitoringProps {
  /** The monitoring options. */
  readonly options: MonitoringOptions;
  /** Name of the monitored endpoint. */
  readonly endpointName: string;
  /** Owner, purpose, tier and review interval of the endpoint. */
  readonly governance: GovernanceProps;
  /** Data-capture sampling percentage of the endpoint (above 0). */
  readonly samplingPercentage: number;
  /** Evidence bucket receiving the endpoint's capture, reports, baselines and labels. */
  readonly evidenceBucket: s3.IBucket;
  /** Key of the evidence bucket's objects (when the bucket does not say). */
  readonly encryptionKey: kms.IKey;
  /** Topic the alarms, hypercare notices and review reminders go to. */
  readonly alertTopic: sns.ITopic;
  /** Name of the foundation whose monitor serves the endpoint (the parameter is tagged with it). */
  readonly foundationName: string;
  /** Name of the endpoint's kill-switch parameter (the review summary reads its history). */
  readonly killSwitchParameterName: string;
  /**
   * The endpoint's kill switch, which the drift and model-quality alarms pause when `options.autoPause` is true.
   * @default - no auto-pause (required when `options.autoPause` is true)
   */
  readonly killSwitch?: KillSwitch;
  /**
   * The endpoint's production variant, whose invocations the monitor-silent alarm reads when `invocations` is not given.
   * @default 'primary'
   */
  readonly variantName?: string;
  /**
   * The endpoint's invocations (Sum), for the monitor-silent alarm: a silent monitor matters only while there is traffic.
   * @default - AWS/SageMaker Invocations of the endpoint's `variantName`
   */
  readonly invocations?: cloudwatch.IMetric;
}

/** The settings an endpoint resolved for its monitoring, handed to it with its props. */
const RESOLVED = new SettingsHandoff<{ monitoring: ResolvedMonitoring; reviewEveryDays: number }>();

/**
 * Model monitoring of one endpoint: the SSM parameter holding its configuration (read by the foundation's
 * {@link ModelMonitor}, which finds it through the endpoint's `governance:monitoring-config` tag), and alarms on the
 * monitor's metrics, each notifying the alert topic: feature drift, prediction drift, invalid records, monitor
 * health (baseline unreadable or a failed window), monitor silent while the endpoint has traffic, and model quality
 * when ground truth is given. Drift alarms are not rollback alarms: windows of an hour do not fit a bake time.
 */
export class EndpointMonitoring extends Construct {
  /**
   * Check an endpoint's monitoring options (the prop at `path`) with its other props, in one error.
   * @internal
   */
  public static _resolve(v: PropsValidator, path: string, options: MonitoringOptions | undefined, target: MonitoringTarget): MonitoringDecision {
    return resolveMonitoring(v, path, options, target);
  }

  /**
   * Check `governance.reviewEveryDays` (at `path`, e.g. `governance`) against the tier's longest interval; the days.
   * @internal
   */
  public static _resolveReviewEvery(v: PropsValidator, path: string, governance: Partial<GovernanceProps> | undefined, tier: RiskTier | undefined): number {
    return resolveReviewEvery(v, path, governance, tier);
  }

  /**
   * The monitoring of an endpoint whose props were resolved by `_resolve` already: built without checking them again.
   * @internal
   */
  public static _fromResolved(scope: Construct, id: string, props: EndpointMonitoringProps, monitoring: ResolvedMonitoring, reviewEveryDays: number): EndpointMonitoring {
    return new EndpointMonitoring(scope, id, RESOLVED.attach(props, { monitoring, reviewEveryDays }));
  }

  /** The SSM String parameter holding the monitoring configuration (JSON). */
  public readonly parameter: ssm.StringParameter;
  /** Its name: the value of the endpoint's `governance:monitoring-config` tag. */
  public readonly parameterName: string;
  /** The monitored endpoint. */
  public readonly endpointName: string;
  /** Days between review reminders. */
  public readonly reviewEveryDays: number;
  /** Hours of hypercare after each deployment (0: none). */
  public readonly hypercareHours: number;
  /** The configuration the monitor reads. @internal */
  public readonly _config: MonitoringConfig;
  /**
   * The data the model sees or says changed, in 2 of 3 windows: the highest feature PSI above `driftThreshold`, the
   * prediction PSI above `predictionDriftThreshold`, or the invalid-record rate above `invalidRecordRateThreshold`.
   * One alarm for the three (each figure divided by its threshold; the alarm fires above 1), so that a monitored
   * endpoint costs two resources fewer; the window's report and metrics say which one moved.
   */
  public readonly dataDriftAlarm: cloudwatch.Alarm;
  /** The baseline could not be read, or a window's analysis failed. */
  public readonly monitorHealthAlarm: cloudwatch.Alarm;
  /** No RecordsAnalysed datapoint for two windows while the endpoint had invocations. */
  public readonly monitorSilentAlarm: cloudwatch.Alarm;
  /** Model-quality threshold alarms (accuracy, F1, MAE, RMSE), when ground truth and thresholds are given. */
  public readonly qualityAlarms: cloudwatch.Alarm[] = [];
  /** Every alarm of the monitoring. */
  public readonly alarms: cloudwatch.Alarm[];

  private readonly window: Duration;
  private readonly bucket: s3.IBucket;
  private readonly bucketKey: kms.IKey;

  constructor(scope: Construct, id: string, props: EndpointMonitoringProps) {
    super(scope, id);
    const resolved = RESOLVED.take(props) ?? EndpointMonitoring.resolveOwnProps(this, props);
    const settings = resolved.monitoring;
    this.endpointName = props.endpointName;
    this.bucket = props.evidenceBucket;
    this.bucketKey = props.evidenceBucket.encryptionKey ?? props.encryptionKey;
    this.window = Duration.minutes(settings.windowMinutes);
    this.parameterName = defaultMonitoringConfigParameterName(props.endpointName);

    this.reviewEveryDays = resolved.reviewEveryDays;
    this.hypercareHours = settings.hypercareHours;
    this._config = {
      version: 1,
      endpointName: props.endpointName,
      bucket: props.evidenceBucket.bucketName,
      inputFormat: settings.inputFormat,
      outputFormat: settings.outputFormat,
      features: settings.features,
      prediction: settings.prediction,
      baseline: evidenceBaselineUri(settings.baseline, props.evidenceBucket.bucketName, props.endpointName),
      windowMinutes: settings.windowMinutes,
      sampleSize: settings.sampleSize,
      driftThreshold: settings.driftThreshold,
      perFeatureMetrics: settings.perFeatureMetrics,
      ...(settings.groundTruth ? { groundTruth: settings.groundTruth } : {}),
      hypercareHours: settings.hypercareHours,
      reviewEveryDays: resolved.reviewEveryDays,
      owner: props.governance.owner,
      purpose: props.governance.purpose,
      riskTier: props.governance.riskTier,
      killSwitchParameter: props.killSwitchParameterName,
      alertTopicArn: props.alertTopic.topicArn,
    };
    this.parameter = new ssm.StringParameter(this, 'ConfigParameter', {
      parameterName: this.parameterName,
      // The name is hierarchical (`/governed-endpoint/...`), also when the endpoint's name is a deploy-time token.
      simpleName: false,
      stringValue: Stack.of(this).toJsonString(this._config),
      description: `Model monitoring configuration of SageMaker endpoint ${props.endpointName} (read by the governance monitor)`,
      tier: estimatedBytes(this._config) > STANDARD_PARAMETER_BYTES ? ssm.ParameterTier.ADVANCED : ssm.ParameterTier.STANDARD,
    });
    // The monitor may read only the parameters of its own foundation's endpoints (ABAC on this tag).
    Tags.of(this.parameter).add(GovernanceTags.FOUNDATION, props.foundationName);

    const action = new cw_actions.SnsAction(props.alertTopic);
    const alarm = (id: string, description: string, alarmProps: Omit<cloudwatch.AlarmProps, 'alarmDescription'>) => {
      const a = new cloudwatch.Alarm(this, id, { alarmDescription: `${props.endpointName}: ${description}`, ...alarmProps });
      a.addAlarmAction(action);
      return a;
    };
    this.dataDriftAlarm = alarm('DataDriftAlarm',
      `data drift in ${DRIFT_ALARM.datapointsToAlarm} of ${DRIFT_ALARM.evaluationPeriods} windows: the highest feature PSI above ${settings.driftThreshold}, ` +
      `the prediction PSI above ${settings.predictionDriftThreshold}, or more than ${settings.invalidRecordRateThreshold * 100}% invalid records. ` +
      `Read the window reports under ${MonitoringPrefixes.MONITORING}${props.endpointName}/reports/ and decide whether to retrain, fix the payloads or pause.`,
      {
        metric: new cloudwatch.MathExpression({
          // Each figure over its threshold: above 1 means that one crossed. A window without figures (no traffic) is 0.
          // An invalid-record threshold of 0 means any invalid record: that term is then 2 or 0 rather than a division by 0.
          expression: `MAX([FILL(feature, 0) / ${settings.driftThreshold}, FILL(prediction, 0) / ${settings.predictionDriftThreshold}, ` +
            (settings.invalidRecordRateThreshold > 0 ? `FILL(invalid, 0) / ${settings.invalidRecordRateThreshold}])` : 'IF(FILL(invalid, 0) > 0, 2, 0)])'),
          usingMetrics: {
            feature: this.metric(MonitoringMetrics.MAX_FEATURE_DRIFT),
            prediction: this.metric(MonitoringMetrics.PREDICTION_DRIFT),
            invalid: this.metric(MonitoringMetrics.INVALID_RECORD_RATE),
          },
          period: this.window,
          label: 'Highest of feature drift, prediction drift and invalid-record rate, each over its threshold',
        }),
        threshold: 1, ...DRIFT_ALARM,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    this.monitorHealthAlarm = alarm('MonitorHealthAlarm',
      'the monitor could not read the baseline or failed to analyse a window: the model is not being watched. Check the monitor\'s log group.',
      {
        metric: new cloudwatch.MathExpression({
          expression: 'MAX([baseline, failed])',
          usingMetrics: { baseline: this.metric(MonitoringMetrics.BASELINE_UNAVAILABLE), failed: this.metric(MonitoringMetrics.MONITOR_FAILED) },
          period: this.window,
          label: 'Baseline unavailable or monitor failed',
        }),
        threshold: 1, evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    const invocations = props.invocations ?? new cloudwatch.Metric({
      namespace: 'AWS/SageMaker', metricName: 'Invocations', dimensionsMap: { EndpointName: props.endpointName, VariantName: props.variantName ?? 'primary' },
    });
    // A broken monitor must not look like a healthy model: the monitor publishes RecordsAnalysed every window, 0
    // included, so a window without it while the endpoint had invocations means the monitor did not run. Missing
    // data counts as breaching: if even the expression has no value, nothing watches the model.
    this.monitorSilentAlarm = alarm('MonitorSilentAlarm',
      'the monitor published no RecordsAnalysed for two windows while the endpoint had invocations: the model is not being watched. ' +
      'Check the monitor\'s errors, dead-letter queue and schedules.',
      {
        metric: new cloudwatch.MathExpression({
          expression: 'IF(FILL(invocations, 0) > 0 AND FILL(analysed, -1) < 0, 1, 0)',
          usingMetrics: {
            invocations: invocationsMetric(invocations, this.window),
            analysed: this.metric(MonitoringMetrics.RECORDS_ANALYSED, { statistic: cloudwatch.Stats.SAMPLE_COUNT }),
          },
          period: this.window,
          label: 'Invocations without a monitor run',
        }),
        threshold: 1, evaluationPeriods: 2, datapointsToAlarm: 2,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });

    const quality: [string, string, number | undefined, boolean][] = [
      ['AccuracyAlarm', MonitoringMetrics.ACCURACY, settings.qualityThresholds.minimumAccuracy, false],
      ['F1Alarm', MonitoringMetrics.F1, settings.qualityThresholds.minimumF1, false],
      ['MaeAlarm', MonitoringMetrics.MAE, settings.qualityThresholds.maximumMae, true],
      ['RmseAlarm', MonitoringMetrics.RMSE, settings.qualityThresholds.maximumRmse, true],
    ];
    for (const [id, metricName, threshold, above] of quality) {
      if (settings.groundTruth === undefined || threshold === undefined) {
        continue;
      }
      this.qualityAlarms.push(alarm(id, `model quality: ${metricName} ${above ? 'rose above' : 'fell below'} ${threshold} against the ground truth.`, {
        metric: this.metric(metricName, { statistic: above ? cloudwatch.Stats.MAXIMUM : cloudwatch.Stats.MINIMUM }),
        threshold, evaluationPeriods: 1,
        comparisonOperator: above ? cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD : cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }));
    }
    this.alarms = [this.dataDriftAlarm, this.monitorHealthAlarm, this.monitorSilentAlarm, ...this.qualityAlarms];
    if (settings.autoPause && props.killSwitch) {
      props.killSwitch.autoPauseOn(this.dataDriftAlarm, ...this.qualityAlarms);
    }
  }

  /**
   * Let `grantee` (the labelling pipeline) upload labels under `ground-truth/<endpointName>/` and nothing else:
   * `s3:PutObject` on that prefix and `kms:GenerateDataKey` on the bucket's key. Labels are JSON Lines, one
   * `{"inferenceId": "...", "label": ...}` (or `"eventId"`) a line, under `ground-truth/<endpointName>/yyyy/mm/dd/hh/`.
   */
  public grantWriteGroundTruth(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:PutObject'],
      resourceArns: [this.bucket.arnForObjects(`${MonitoringPrefixes.GROUND_TRUTH}${this.endpointName}/*`)],
    }).combine(iam.Grant.addToPrincipal({ grantee, actions: ['kms:GenerateDataKey'], resourceArns: [this.bucketKey.keyArn] }));
  }

  /**
   * A metric the monitor publishes for this endpoint (namespace `GovernedEndpoint/Monitoring`, dimension
   * `EndpointName`), Maximum per window.
   */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: MONITORING_METRIC_NAMESPACE, metricName, statistic: cloudwatch.Stats.MAXIMUM, period: this.window, ...props,
      dimensionsMap: { EndpointName: this.endpointName, ...props?.dimensionsMap },
    });
  }

  /** Records analysed per window (Maximum per window). */
  public metricRecordsAnalysed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(MonitoringMetrics.RECORDS_ANALYSED, props);
  }

  /** Highest feature PSI per window. */
  public metricMaxFeatureDrift(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(MonitoringMetrics.MAX_FEATURE_DRIFT, props);
  }

  /** Prediction PSI per window. */
  public metricPredictionDrift(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(MonitoringMetrics.PREDICTION_DRIFT, props);
  }

  /** Resolve the props of monitoring built on its own, throwing one error that lists every problem. */
  private static resolveOwnProps(scope: EndpointMonitoring, props: EndpointMonitoringProps): { monitoring: ResolvedMonitoring; reviewEveryDays: number } {
    const v = new PropsValidator(scope, 'EndpointMonitoring');
    const tier = checkGovernance(v, 'governance', props.governance);
    const nameOk = v.checkName('endpointName', props.endpointName, SAGEMAKER_NAME.maxLength, SAGEMAKER_NAME.pattern,
      'a SageMaker endpoint name: 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit');
    const decision = resolveMonitoring(v, 'options', props.options, {
      endpointName: nameOk ? props.endpointName : undefined, tier, samplingPercentage: props.samplingPercentage,
    });
    v.check(decision.riskAcceptance === undefined, 'options.riskAcceptance', decision.riskAcceptance,
      'unset on EndpointMonitoring (a risk acceptance means the endpoint creates no monitoring)');
    v.check(!props.options?.autoPause || props.killSwitch !== undefined, 'killSwitch', undefined, 'the endpoint\'s kill switch, with options.autoPause: true');
    const reviewEveryDays = resolveReviewEvery(v, 'governance', props.governance, tier);
    v.throwIfInvalid();
    return { monitoring: decision.settings!, reviewEveryDays };
  }
}

/** The invocations metric, summed per window (a metric of another period or statistic is taken as given). */
function invocationsMetric(metric: cloudwatch.IMetric, window: Duration): cloudwatch.IMetric {
  return metric instanceof cloudwatch.Metric ? metric.with({ statistic: cloudwatch.Stats.SUM, period: window }) : metric;
}

/** The configuration's size in SSM, counting each token as 256 characters (names and ARNs it stands for are shorter). */
function estimatedBytes(config: MonitoringConfig): number {
  const text = JSON.stringify(config, (_key, value) => (typeof value === 'string' && Token.isUnresolved(value) ? 'x'.repeat(256) : value));
  return Buffer.byteLength(text, 'utf8');
}
