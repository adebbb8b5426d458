import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { isIntrinsic } from '../cfn-values';
import { isRetained, ResourceTypes } from '../app-index';
import { Assessment, GovernanceContext, verdict } from '../governance-context';
import { defineRule, endpointParts } from '../rule';

/**
 * SageMaker endpoints log into a log group the app defines and keeps: `/aws/sagemaker/Endpoints/<EndpointName>`
 * (by literal name, or built from a reference to the endpoint), retained when its stack is deleted. Without it,
 * SageMaker creates the group on first use, unencrypted and never expiring, outside every retention rule. The
 * group's own retention and key are judged by `LogGroupRetention` and `LogGroupEncrypted`.
 * @param node the CfnResource to check
 * @param ctx the app index and pack settings
 */
export function assessEndpointLogGroupRetained(node: CfnResource, ctx: GovernanceContext): Assessment {
  const endpoint = ctx.entry(node);
  if (endpoint.type !== ResourceTypes.ENDPOINT) {
    return verdict.notApplicable();
  }
  const groups = ctx.logGroupsOf(endpoint);
  if (groups.length === 0) {
    if (isIntrinsic(endpoint.props.EndpointName)) {
      return verdict.notApplicable('the endpoint name is a token', [endpoint]);
    }
    return verdict.nonCompliant(endpoint.props.EndpointName === undefined
      ? 'no EndpointName, so the app cannot define its /aws/sagemaker/Endpoints/<name> log group: SageMaker creates one that never expires'
      : `no /aws/sagemaker/Endpoints/${endpoint.props.EndpointName} log group in the app: SageMaker creates one that never expires`, [endpoint]);
  }
  const deleted = groups.filter((g) => !isRetained(g));
  if (deleted.length > 0) {
    return verdict.nonCompliant(`log group ${deleted.map((g) => ctx.label(g, endpoint)).join(', ')} deleted with its stack`, [...groups]);
  }
  return verdict.compliant('endpoint log group defined in the app and retained', [...groups]);
}

export default defineRule(__filename, {
  level: NagMessageLevel.ERROR,
  resource: 'endpoint',
  info: () => "The SageMaker endpoint's logs go to a log group the app does not define or keep - set EndpointName and add an " +
    "AWS::Logs::LogGroup named '/aws/sagemaker/Endpoints/<EndpointName>' with DeletionPolicy Retain, created before the endpoint",
  explanation: 'SageMaker writes container logs to /aws/sagemaker/Endpoints/<name> and creates that group itself when the app does not, ' +
    'with no retention and no customer key. Defining and retaining it puts the logs under the retention and encryption rules.',
  assess: assessEndpointLogGroupRetained,
  subjects: endpointParts.endpoint,
});
