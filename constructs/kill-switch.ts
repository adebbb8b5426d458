import { Duration, Stack, Tags, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct, IConstruct } from 'constructs';
import {
  AUTO_PAUSE_TAG_PREFIX, defaultKillSwitchParameterName, deploymentDescription, isKillSwitchParameterName, KILL_SWITCH_ALLOWED_PATTERN,
  KILL_SWITCH_METRIC_NAMESPACE, KILL_SWITCH_PARAMETER_PREFIX, KILL_SWITCH_PARAMETER_SUFFIX, KILL_SWITCH_PARAMETER_TAG, KillSwitchState,
} from '../lib/policy/kill-switch-protocol';
import { maxParameterNameLength, SAGEMAKER_NAME, SSM_PARAMETER_NAME, TAG } from '../lib/policy/aws-limits';
import { SettingsHandoff } from './private/handoff';
import { propPath, PropsValidator, UniqueNames } from './private/validation';
import { KillSwitchEnforcer } from './kill-switch-enforcer';
import type { IKillSwitchEnforcer } from './kill-switch-enforcer-ref';

/** The kind of name `UniqueNames` keeps for kill-switch parameters (SSM parameter names are unique per account and region). */
const PARAMETER_NAMES = 'ssm-parameter';

/** Kill-switch settings of a {@link GovernedEndpoint}. */
export interface KillSwitchOptions {
  /**
   * Name of the SSM parameter operators flip: `/governed-endpoint/<...>/kill-switch` (the shared enforcer reacts to
   * changes of parameters named so, and may read and restore only those), with letters, digits and `_ . - /`, at most
   * 15 levels. At most 256 characters on a `GovernedEndpoint` or with `autoPauseOn` (the name becomes a tag value),
   * and unique among the kill switches of the app that may deploy to the same account and region.
   * @default `/governed-endpoint/<endpointName>/kill-switch`
   */
  readonly parameterName?: string;
  /**
   * Alarms that pause the endpoint when they enter ALARM (the enforcer writes PAUSED to the parameter,
   * with the alarm as the reason). Each must be a `cloudwatch.Alarm` or `CompositeAlarm` defined in the app (the
   * library adds an action and a tag to it).
   * Add the endpoint's own alarms after construction with `endpoint.killSwitch.autoPauseOn(...)`.
   * @default - no auto-pause
   */
  readonly autoPauseOn?: cloudwatch.IAlarm[];
  /**
   * The enforcer that serves the endpoint (on a `GovernedEndpoint`: its foundation's; set the foundation's
   * `killSwitchEnforcer` options to change its reconcile interval, concurrency or VPC).
   * @default - the foundation's enforcer on a `GovernedEndpoint`; on a `KillSwitch` of its own, the stack's enforcer
   *   for its key, bucket, topic and VPC (`KillSwitchEnforcer.of`)
   */
  readonly enforcer?: IKillSwitchEnforcer;
}

/** Props of {@link KillSwitch}. */
export interface KillSwitchProps extends KillSwitchOptions {
  /** Name of the endpoint the switch pauses. */
  readonly endpointName: string;
  /** ARN of the endpoint. */
  readonly endpointArn: string;
  /** Key of the enforcer created when none is given. */
  readonly encryptionKey: kms.IKey;
  /**
   * Bucket for evidence snapshots (`kill-switch/<endpoint>/<time>/`) of the enforcer created when none is given.
   * @default - no snapshot
   */
  readonly evidenceBucket?: s3.IBucket;
  /**
   * Topic notified of every pause and resume by the enforcer created when none is given.
   * @default - no notification
   */
  readonly alertTopic?: sns.ITopic;
  /**
   * VPC of the enforcer created when none is given.
   * @default - no VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of that enforcer.
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
}

/** What a kill switch knows of its endpoint while its options are checked. @internal */
export interface KillSwitchTarget {
  /** The endpoint name; undefined when it is invalid (reported already). */
  readonly endpointName?: string;
  /** A construct in the endpoint's stack. */
  readonly scope: IConstruct;
  /** The construct path of the kill switch (its own parameter name is not "taken" by itself). */
  readonly path: string;
  /** Whether the parameter name becomes a tag value on the endpoint. */
  readonly taggedOnEndpoint: boolean;
}

/** The kill switch's options, checked and resolved. @internal */
export interface ResolvedKillSwitch {
  /** Name of the SSM parameter. */
  readonly parameterName: string;
}

/** Settings an endpoint resolved for its kill switch, handed to it with its props. */
const RESOLVED = new SettingsHandoff<ResolvedKillSwitch>();

/**
 * The stop button of one endpoint: an SSM String parameter (`ACTIVE` | `PAUSED`, starting `ACTIVE`) that is
 * the source of truth, enforced by a {@link KillSwitchEnforcer} (its foundation's), which tags the endpoint
 * `governance:kill-switch=PAUSED` so that every invoke grant of the library denies it.
 *
 * The enforcer finds the endpoint by its tags: `governance:foundation` = the enforcer's `foundationName` and
 * `governance:kill-switch-parameter` = this switch's parameter name. `GovernedEndpoint` sets both; on an endpoint of
 * your own, set them yourself (`foundationName` and `parameterName` of this construct).
 *
 * A deployment never lifts a pause: CloudFormation rewrites the template's `ACTIVE` whenever it updates the
 * parameter, and the enforcer answers such a write by keeping the tag and writing `PAUSED` back. Operators
 * resume by writing `ACTIVE` with their reason as the parameter's description.
 */
export class KillSwitch extends Construct {
  /** The SSM parameter. */
  public readonly parameter: ssm.StringParameter;
  /** Its name. */
  public readonly parameterName: string;
  /** The endpoint it pauses. */
  public readonly endpointName: string;
  /** The endpoint's ARN. */
  public readonly endpointArn: string;
  /** The enforcer keeping the endpoint in line with the parameter. */
  public readonly enforcer: IKillSwitchEnforcer;

  private operator?: iam.IGrantable;
  private readonly autoPauseAlarms = new Set<cloudwatch.IAlarm>();

  /**
   * Check the kill switch's options, recording every problem in `v` under the names the user wrote (`path` is the
   * prop that holds them, e.g. `killSwitch`; empty for the switch's own props), and resolve the parameter name.
   * Without a `parameterName`, the default name is derived from `target.endpointName`; when that is undefined
   * (invalid, and reported already), the name is not checked.
   * @internal
   */
  public static _resolve(v: PropsValidator, path: string, options: KillSwitchOptions, target: KillSwitchTarget): ResolvedKillSwitch {
    const at = (key: string) => propPath(path, key);
    const { endpointName } = target;
    // The library adds an action and a tag to each auto-pause alarm: it must be one the app defines.
    for (const alarm of options.autoPauseOn ?? []) {
      const defined = alarm instanceof cloudwatch.Alarm || alarm instanceof cloudwatch.CompositeAlarm;
      if (!defined) {
        v.fail(at('autoPauseOn'), `alarm ${alarm.node.path} must be a cloudwatch.Alarm or CompositeAlarm defined in the app ` +
          '(the library adds an action and a tag to it); received an imported alarm');
      }
    }
    if ((options.autoPauseOn ?? []).length > 0 && options.enforcer !== undefined && options.enforcer.autoPauseTopic === undefined) {
      v.fail(at('autoPauseOn'), `${options.autoPauseOn!.length} alarm(s) with an enforcer whose auto-pause topic is unknown; allowed: an enforcer ` +
        'of this app, or one imported with its autoPauseTopicArn');
    }
    if (endpointName !== undefined && !Token.isUnresolved(endpointName) && (options.autoPauseOn ?? []).length > 0) {
      const key = `${AUTO_PAUSE_TAG_PREFIX}${endpointName}`;
      v.check(key.length <= TAG.maxKeyLength, 'endpointName', endpointName,
        `at most ${TAG.maxKeyLength - AUTO_PAUSE_TAG_PREFIX.length} characters with ${at('autoPauseOn')} (the alarm's tag key ${AUTO_PAUSE_TAG_PREFIX}<endpointName> has at most ${TAG.maxKeyLength})`);
    }
    const explicit = options.parameterName !== undefined;
    const name = options.parameterName ?? (endpointName === undefined ? undefined : defaultKillSwitchParameterName(endpointName));
    if (name !== undefined && !Token.isUnresolved(name)) {
      checkParameterName(v, at('parameterName'), explicit ? name : `${name} (the default, from endpointName)`, name, options, target);
    }
    // No name only with an invalid endpoint name, reported already: nothing is built from these settings then.
    return { parameterName: name ?? '' };
  }

  /**
   * The kill switch of an endpoint whose props were resolved by `_resolve` already (with the endpoint's, in one
   * error): built from `settings`, without checking them again.
   * @internal
   */
  public static _fromResolved(scope: Construct, id: string, props: KillSwitchProps, settings: ResolvedKillSwitch): KillSwitch {
    return new KillSwitch(scope, id, RESOLVED.attach(props, settings));
  }

  /** Resolve the props of a kill switch built on its own, throwing one error that lists every problem. */
  private static resolveOwnProps(scope: KillSwitch, props: KillSwitchProps): ResolvedKillSwitch {
    const v = new PropsValidator(scope, 'KillSwitch');
    const endpointNameOk = v.checkName('endpointName', props.endpointName, SAGEMAKER_NAME.maxLength, SAGEMAKER_NAME.pattern,
      'a SageMaker endpoint name: 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit');
    const settings = KillSwitch._resolve(v, '', props, {
      endpointName: endpointNameOk ? props.endpointName : undefined, scope, path: scope.node.path, taggedOnEndpoint: false,
    });
    v.throwIfInvalid();
    return settings;
  }

  constructor(scope: Construct, id: string, props: KillSwitchProps) {
    super(scope, id);
    this.endpointName = props.endpointName;
    this.endpointArn = props.endpointArn;
    this.parameterName = (RESOLVED.take(props) ?? KillSwitch.resolveOwnProps(this, props)).parameterName;
    if (!Token.isUnresolved(this.parameterName)) {
      UniqueNames.claim(PARAMETER_NAMES, this, this.parameterName, this.node.path);
    }

    this.parameter = new ssm.StringParameter(this, 'Parameter', {
      parameterName: this.parameterName,
      simpleName: Token.isUnresolved(this.parameterName) ? false : !this.parameterName.startsWith('/'),
      stringValue: KillSwitchState.ACTIVE,
      allowedPattern: KILL_SWITCH_ALLOWED_PATTERN,
      description: deploymentDescription(props.endpointName),
      tier: ssm.ParameterTier.STANDARD,
    });

    this.enforcer = props.enforcer ?? KillSwitchEnforcer.of(this, {
      encryptionKey: props.encryptionKey, evidenceBucket: props.evidenceBucket, alertTopic: props.alertTopic, vpc: props.vpc, vpcSubnets: props.vpcSubnets,
    });
    this.autoPauseOn(...(props.autoPauseOn ?? []));
  }

  /** The foundation name of the enforcer that serves this switch: the value of the endpoint's `governance:foundation` tag. */
  public get foundationName(): string {
    return this.enforcer.foundationName;
  }

  /**
   * Let `grantee` (one role or group: the on-call operators) pause and resume the endpoint: write the
   * parameter, read its history, and read the endpoint's status and tags (what the CLI waits on).
   * Exactly one principal may operate a kill switch; grant a group to let several people do it.
   */
  public grantOperate(grantee: iam.IGrantable): iam.Grant {
    const principal = grantee as Partial<iam.IRole & iam.IGroup>;
    if (principal.roleArn === undefined && principal.groupArn === undefined) {
      throw new Error(`KillSwitch at '${this.node.path}': grantOperate takes a role or a group, received ${describePrincipal(grantee)}`);
    }
    if (this.operator !== undefined && this.operator !== grantee) {
      throw new Error(`KillSwitch at '${this.node.path}': ${describePrincipal(this.operator)} already operates this kill switch; ` +
        `exactly one role or group may write it. Put the operators in one group (or let them assume one role), received ${describePrincipal(grantee)}`);
    }
    this.operator = grantee;
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['ssm:PutParameter', 'ssm:GetParameter', 'ssm:GetParameterHistory'],
      resourceArns: [this.parameter.parameterArn],
    }).combine(this.grantEndpointRead(grantee));
  }

  /** Let `grantee` read the switch and the endpoint's state (status dashboards, auditors). */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['ssm:GetParameter', 'ssm:GetParameterHistory'],
      resourceArns: [this.parameter.parameterArn],
    }).combine(this.grantEndpointRead(grantee));
  }

  /** Pause the endpoint when any of `alarms` enters ALARM. */
  public autoPauseOn(...alarms: cloudwatch.IAlarm[]): void {
    if (alarms.length > 0 && !Token.isUnresolved(this.parameterName) && this.parameterName.length > TAG.maxValueLength) {
      throw new Error(`KillSwitch at '${this.node.path}': autoPauseOn needs a parameter name of at most ${TAG.maxValueLength} characters ` +
        `(it becomes a tag value on the alarm); received ${this.parameterName.length}`);
    }
    const topic = this.enforcer.autoPauseTopic;
    if (alarms.length > 0 && topic === undefined) {
      throw new Error(`KillSwitch at '${this.node.path}': autoPauseOn needs the enforcer's auto-pause topic, and the enforcer of foundation ` +
        `${this.enforcer.foundationName} was imported without one (give KillSwitchEnforcer.fromAttributes an autoPauseTopicArn)`);
    }
    for (const alarm of alarms) {
      const defined = alarm instanceof cloudwatch.Alarm || alarm instanceof cloudwatch.CompositeAlarm;
      if (!defined) {
        throw new Error(`KillSwitch at '${this.node.path}': autoPauseOn: alarm ${alarm.node.path} must be a cloudwatch.Alarm or CompositeAlarm ` +
          'defined in the app (the library adds an action and a tag to it); received an imported alarm');
      }
      if (this.autoPauseAlarms.has(alarm)) {
        continue;
      }
      this.autoPauseAlarms.add(alarm);
      // The enforcer reads this tag to know which parameter the alarm pauses.
      (alarm as cloudwatch.AlarmBase).addAlarmAction(new cw_actions.SnsAction(topic!));
      Tags.of(alarm).add(`${AUTO_PAUSE_TAG_PREFIX}${this.endpointName}`, this.parameterName);
    }
  }

  /**
   * 1 while the endpoint carries the pause tag, 0 while it serves (Maximum per 5 minutes), as the enforcer
   * reports it on every event and reconcile.
   */
  public metricPaused(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Paused', props);
  }

  /** 1 when the enforcer paused because it could not read the parameter or it held an unknown value (Maximum per 5 minutes). */
  public metricFailClosed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('FailClosed', props);
  }

  private metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: KILL_SWITCH_METRIC_NAMESPACE, metricName, statistic: 'Maximum', period: Duration.minutes(5), ...props,
      dimensionsMap: { EndpointName: this.endpointName, ...props?.dimensionsMap },
    });
  }

  private grantEndpointRead(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['sagemaker:DescribeEndpoint', 'sagemaker:ListTags'], resourceArns: [this.endpointArn] });
  }
}

function describePrincipal(grantee: iam.IGrantable): string {
  const c = grantee as Partial<Construct>;
  return c.node ? c.node.path : String(grantee.grantPrincipal);
}

/** Check a kill-switch parameter name (`shown` as the user wrote it or as defaulted) against SSM's rules, the tag-value limit and the app's other kill switches. */
function checkParameterName(v: PropsValidator, prop: string, shown: string, name: string, options: KillSwitchOptions, target: KillSwitchTarget): void {
  const shapeOk = v.check(typeof name === 'string' && SSM_PARAMETER_NAME.characters.test(name) && !SSM_PARAMETER_NAME.reservedPrefix.test(name), prop, shown,
    '1 to 1011 letters, digits and _ . - /, not starting with "aws" or "ssm" (any case)');
  if (!shapeOk) {
    return;
  }
  v.check(isKillSwitchParameterName(name), prop, shown,
    `a name ${KILL_SWITCH_PARAMETER_PREFIX}<...>${KILL_SWITCH_PARAMETER_SUFFIX} (e.g. "${KILL_SWITCH_PARAMETER_PREFIX}fraud/scoring${KILL_SWITCH_PARAMETER_SUFFIX}"): ` +
    'the shared kill-switch enforcer reacts to changes of parameters named so, and may read and restore no other');
  if (name.includes('/')) {
    v.check(name.startsWith('/') && !name.endsWith('/') && !name.includes('//'), prop, shown, 'a hierarchical name starting with "/" (e.g. "/governed-endpoint/fraud/scoring/kill-switch"), without empty levels');
    const levels = name.split('/').length - 1;
    v.check(levels <= SSM_PARAMETER_NAME.maxLevels, prop, shown, `at most ${SSM_PARAMETER_NAME.maxLevels} levels (this one has ${levels})`);
  }
  const env = Stack.of(target.scope);
  const fixed = (s: string) => (Token.isUnresolved(s) ? undefined : s);
  const ssmMax = maxParameterNameLength(name, fixed(env.partition), fixed(env.region));
  const tagged = target.taggedOnEndpoint || (options.autoPauseOn ?? []).length > 0;
  if (tagged && ssmMax >= TAG.maxValueLength) {
    v.check([...name].length <= TAG.maxValueLength, prop, shown, `at most ${TAG.maxValueLength} characters (this one has ${name.length}): the name becomes the value of ` +
      (target.taggedOnEndpoint ? `the endpoint's tag ${KILL_SWITCH_PARAMETER_TAG}` : `the auto-pause alarms' tag ${AUTO_PAUSE_TAG_PREFIX}<endpointName>`));
  } else {
    v.check(name.length <= ssmMax, prop, shown, `at most ${ssmMax} characters here (this one has ${name.length}): SSM's limit of ` +
      `${SSM_PARAMETER_NAME.maxLengthWithArn} counts the parameter's ARN prefix too`);
  }
  const holder = UniqueNames.holder(PARAMETER_NAMES, target.scope, name, target.path);
  v.check(holder === undefined, prop, shown,
    `a parameter name no other kill switch of this app uses where it may deploy to the same account and region ('${holder}' has it)`);
}
