import { Arn, ArnFormat, IResource, Resource, ResourceProps, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { SAGEMAKER_NAME } from '../lib/policy/aws-limits';
import { INVOKE_ACTIONS } from '../lib/policy/kill-switch-protocol';
import { KILL_SWITCH_TAG, KillSwitchState } from '../lib/policy/kill-switch-protocol';
import { INVOCATION_NAMESPACE, variantMetric, VariantMetrics } from './private/endpoint-metrics';
import { PropsValidator } from './private/validation';


/** The variant name `GovernedEndpoint` gives its production variant when none is set. */
const DEFAULT_VARIANT_NAME = 'primary';

/**
 * A governed SageMaker real-time endpoint: one defined in this app with `GovernedEndpoint`, or one defined
 * elsewhere and imported with `GovernedEndpoint.fromEndpointAttributes`.
 */
export interface IGovernedEndpoint extends IResource {
  /**
   * The endpoint name, as written when the endpoint was created (CloudWatch metrics carry it so).
   * @attribute
   */
  readonly endpointName: string;

  /**
   * The endpoint ARN. SageMaker writes the name in ARNs in lower case: `arn:aws:sagemaker:<region>:<account>:endpoint/<name>`.
   * @attribute
   */
  readonly endpointArn: string;

  /** The production variant whose metrics the `metricX` methods return. */
  readonly variantName: string;

  /**
   * Let `grantee` invoke this endpoint, and nothing else, except while it is paused.
   *
   * Allows `sagemaker:InvokeEndpoint`, `InvokeEndpointAsync` and `InvokeEndpointWithResponseStream` on this
   * endpoint only, and adds a Deny on the same actions while the endpoint carries the tag
   * `governance:kill-switch = PAUSED` (the kill switch).
   */
  grantInvoke(grantee: iam.IGrantable): iam.Grant;

  /** A metric of this variant (dimensions `EndpointName`, `VariantName`; namespace `AWS/SageMaker` unless given; Sum per minute). */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Requests to the variant (Sum per minute). */
  metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Requests per instance, the autoscaling metric (Sum per minute). */
  metricInvocationsPerInstance(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Requests answered 4xx (Sum per minute; Average is the rate). */
  metricInvocation4XXErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Requests answered 5xx (Sum per minute; Average is the rate). */
  metricInvocation5XXErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Requests whose model call did not return 2xx (Sum per minute). */
  metricInvocationModelErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Model latency in MICROSECONDS (p99 per minute). */
  metricModelLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** SageMaker overhead latency in MICROSECONDS (p99 per minute). */
  metricOverheadLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** CPU utilisation summed over vCPUs, 0 to 100 x vCPUs (Average). */
  metricCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Memory utilisation percent (Average). */
  metricMemoryUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Disk utilisation percent (Average). */
  metricDiskUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/** An endpoint defined in another stack or app, for {@link GovernedEndpoint.fromEndpointAttributes}. */
export interface GovernedEndpointAttributes {
  /**
   * The endpoint name, as written when the endpoint was created: 1 to 63 letters, digits and hyphens, starting and
   * ending with a letter or digit. The metrics carry it as written; IAM policies use it in lower case.
   */
  readonly endpointName: string;

  /**
   * The production variant whose metrics the `metricX` methods return.
   * @default 'primary' (the variant name `GovernedEndpoint` gives when none is set)
   */
  readonly variantName?: string;

  /**
   * The endpoint ARN, for an endpoint in another region or account; the name in it is `endpointName` in lower case, as
   * SageMaker writes it. SageMaker endpoints have no resource policy: only principals of the endpoint's own account
   * can be granted invoke. Metrics are read in the importing stack's region and account unless their options say
   * otherwise (`region`, `account`).
   * @default - the ARN of `endpointName` (in lower case) in the account and region of the stack that imports it
   */
  readonly endpointArn?: string;
}

/** What every governed endpoint shares, defined or imported: the invoke grant with its kill-switch Deny, and the metrics. */
export abstract class GovernedEndpointBase extends Resource implements IGovernedEndpoint {
  public abstract readonly endpointName: string;
  public abstract readonly endpointArn: string;
  public abstract readonly variantName: string;

  constructor(scope: Construct, id: string, props?: ResourceProps) {
    super(scope, id, props);
  }

  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    const resourceArns = this.invokeResourceArns();
    const grant = iam.Grant.addToPrincipal({ grantee, actions: [...INVOKE_ACTIONS], resourceArns });
    if (grant.success) {
      grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: [...INVOKE_ACTIONS],
        resources: resourceArns,
        conditions: { StringEquals: { [`aws:ResourceTag/${KILL_SWITCH_TAG}`]: KillSwitchState.PAUSED } },
      }));
    }
    return grant;
  }

  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return variantMetric(this, INVOCATION_NAMESPACE, metricName, 'Sum', props);
  }

  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric { return VariantMetrics.invocations(this, props); }
  public metricInvocationsPerInstance(props?: cloudwatch.MetricOptions): cloudwatch.Metric { return VariantMetrics.invocationsPerInstance(this, props); }
  public metricInvocation4XXErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric { return VariantMetrics.invocation4XXErrors(this, props); }
  public metricInvocation5XXErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric { return VariantMetrics.invocation5XXErrors(this, props); }
  public metricInvocationModelErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric { return VariantMetrics.invocationModelErrors(this, props); }
  public metricModelLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric { return VariantMetrics.modelLatency(this, props); }
  public metricOverheadLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric { return VariantMetrics.overheadLatency(this, props); }
  public metricCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric { return VariantMetrics.cpuUtilization(this, props); }
  public metricMemoryUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric { return VariantMetrics.memoryUtilization(this, props); }
  public metricDiskUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric { return VariantMetrics.diskUtilization(this, props); }

  /** The ARNs the invoke grant allows, and denies while paused. */
  protected invokeResourceArns(): string[] {
    return [this.endpointArn];
  }
}

/**
 * An endpoint defined elsewhere. SageMaker writes endpoint names in ARNs in lower case, and IAM compares ARNs
 * case-sensitively. The grant names the lower-case ARN (SageMaker's own, as a `GovernedEndpoint`'s
 * `endpointArn` is) and, for a name written with capitals, also the ARN spelled as written, so that the Allow
 * and the kill switch's Deny both match whichever spelling a request is evaluated against.
 */
class ImportedGovernedEndpoint extends GovernedEndpointBase {
  public readonly endpointName: string;
  public readonly endpointArn: string;
  public readonly variantName: string;
  private readonly arnAsWritten?: string;

  constructor(scope: Construct, id: string, attrs: GovernedEndpointAttributes) {
    const given = attrs.endpointArn;
    super(scope, id, given === undefined ? {} : { environmentFromArn: given });
    const name = attrs.endpointName;
    this.endpointName = name;
    this.variantName = attrs.variantName ?? DEFAULT_VARIANT_NAME;
    const arnOf = (resourceName: string) => Stack.of(this).formatArn({ service: 'sagemaker', resource: 'endpoint', resourceName });
    if (Token.isUnresolved(name)) {
      // A name known only at deploy time is used as it is: CloudFormation cannot lower-case it.
      this.endpointArn = given ?? arnOf(name);
      return;
    }
    this.endpointArn = given ?? arnOf(name.toLowerCase());
    if (name !== name.toLowerCase() && (given === undefined || !Token.isUnresolved(given))) {
      this.arnAsWritten = given === undefined ? arnOf(name) : given.replace(/[^/]*$/, name);
    }
  }

  protected override invokeResourceArns(): string[] {
    return this.arnAsWritten ? [this.endpointArn, this.arnAsWritten] : [this.endpointArn];
  }
}

/**
 * Check the attributes of an imported endpoint (one error listing every problem, nothing created before it) and
 * import it. Tokens are not judged.
 */
export function importGovernedEndpoint(scope: Construct, id: string, attrs: GovernedEndpointAttributes): IGovernedEndpoint {
  const v = new PropsValidator(scope, `GovernedEndpoint.fromEndpointAttributes('${id}')`);
  const allowed = `1 to ${SAGEMAKER_NAME.maxLength} letters, digits and hyphens, starting and ending with a letter or digit`;
  const name = attrs?.endpointName;
  const nameOk = v.check(typeof name === 'string', 'endpointName', name, `the endpoint's name: ${allowed}`) &&
    v.checkName('endpointName', name, SAGEMAKER_NAME.maxLength, SAGEMAKER_NAME.pattern, allowed);
  if (attrs?.variantName !== undefined) {
    v.checkName('variantName', attrs.variantName, SAGEMAKER_NAME.maxLength, SAGEMAKER_NAME.pattern, allowed);
  }
  const arn = attrs?.endpointArn;
  if (arn !== undefined && !Token.isUnresolved(arn)) {
    const arnName = endpointNameInArn(arn);
    const expected = nameOk && !Token.isUnresolved(name) ? name.toLowerCase() : arnName?.toLowerCase();
    v.check(arnName !== undefined && arnName === expected, 'endpointArn', arn,
      'a SageMaker endpoint ARN, arn:<partition>:sagemaker:<region>:<account>:endpoint/<name>, whose name is ' +
      (nameOk && !Token.isUnresolved(name) ? `endpointName in lower case ('${expected}')` : 'in lower case') + ', as SageMaker writes it');
  }
  v.throwIfInvalid();
  return new ImportedGovernedEndpoint(scope, id, attrs);
}

/** The endpoint name in a SageMaker endpoint ARN, or undefined when `arn` is not one. */
function endpointNameInArn(arn: string): string | undefined {
  try {
    const parts = Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME);
    const name = parts.resourceName;
    return parts.service === 'sagemaker' && parts.resource === 'endpoint' && parts.account && parts.region && name && SAGEMAKER_NAME.pattern.test(name)
      ? name : undefined;
  } catch {
    return undefined;
  }
}
