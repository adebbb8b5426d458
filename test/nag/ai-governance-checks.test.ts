import { CfnCondition, CfnParameter, CfnResource, Fn, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IApplyRule, NagMessageLevel } from 'cdk-nag';
import { AiGovernanceChecks } from '../../lib/nag/ai-governance-checks';
import { AI_GOVERNANCE_RULES } from '../../lib/nag/rules';
import { referenceText, ruleReferences } from '../../lib/policy/controls';
import { governanceFindings, governanceTags, governedL1Endpoint, killSwitchParameter, l1Endpoint, newStack, notifyingAlarm, rulesOn } from './kit';

/** The pack, recording the rule IDs it applies instead of running them. */
class RecordingPack extends AiGovernanceChecks {
  public readonly errors: string[] = [];
  public readonly warnings: string[] = [];
  protected override applyRule(params: IApplyRule): void {
    const id = `${this.readPackName}-${params.ruleSuffixOverride ?? params.rule.name}`;
    (params.level === NagMessageLevel.WARN ? this.warnings : this.errors).push(id);
  }
}

describe('GIVEN the AiGovernance pack', () => {
  test('WHEN it checks a stack THEN it applies exactly these rules, at these levels', () => {
    // GIVEN the pack and one resource of any type
    const stack = newStack();
    new CfnResource(stack, 'AnyResource', { type: 'AWS::SNS::Topic' });
    const pack = new RecordingPack();
    // WHEN it checks the stack
    pack.validateScope(stack);
    // THEN it applies this list of rules, and only these
    expect(pack.errors.sort()).toEqual([
      'AiGovernance-AlarmActionEnabled',
      'AiGovernance-EndpointAlarms',
      'AiGovernance-EndpointAutoRollback',
      'AiGovernance-EndpointConfigDataCapture',
      'AiGovernance-EndpointConfigInstanceCount',
      'AiGovernance-EndpointConfigVolumeKms',
      'AiGovernance-EndpointEvidenceSnapshot',
      'AiGovernance-EndpointKillSwitch',
      'AiGovernance-EndpointLogGroupRetained',
      'AiGovernance-EndpointModelMonitoring',
      'AiGovernance-EndpointOwnership',
      'AiGovernance-EndpointScheduledReview',
      'AiGovernance-EndpointStagedRollout',
      'AiGovernance-EvidenceBucketEncrypted',
      'AiGovernance-EvidenceBucketImmutable',
      'AiGovernance-EvidenceBucketRetention',
      'AiGovernance-IamPassRoleScoped',
      'AiGovernance-LogGroupEncrypted',
      'AiGovernance-LogGroupRetention',
      'AiGovernance-ModelApprovalGate',
      'AiGovernance-ModelExecutionRoleLeastPrivilege',
    ]);
    expect(pack.warnings.sort()).toEqual([
      'AiGovernance-EndpointConfigInstanceCountLowTier',
      'AiGovernance-ModelNetworkIsolation',
    ]);
    // AND the rule list the report reads is the same list
    expect(AI_GOVERNANCE_RULES.map((r) => `${AiGovernanceChecks.PACK_NAME}-${r.name}`).sort()).toEqual([...pack.errors, ...pack.warnings].sort());
  });

  test('WHEN it checks a plain L1 endpoint governed in every control THEN it reports nothing', () => {
    // GIVEN CfnModel + CfnEndpointConfig + CfnEndpoint with every control written by hand, no library construct
    const stack = newStack();
    governedL1Endpoint(stack);
    // THEN the pack is satisfied without the library
    expect(governanceFindings(stack).map((f) => `${f.rule} ${f.path}`)).toEqual([]);
  });

  test('WHEN it checks a plain L1 endpoint with an AWS-managed role THEN it reports one finding per missing control, each saying what to add', () => {
    // GIVEN CfnModel + CfnEndpointConfig + CfnEndpoint, one instance, a role with AmazonSageMakerFullAccess
    const stack = newStack();
    const { model, config, endpoint } = l1Endpoint(stack, 'Plain');
    // WHEN the pack runs
    const findings = governanceFindings(stack);
    // THEN each missing control is reported once, on the resource that lacks it
    expect(rulesOn(findings, endpoint)).toEqual(['EndpointAlarms', 'EndpointAutoRollback', 'EndpointEvidenceSnapshot', 'EndpointKillSwitch',
      'EndpointLogGroupRetained', 'EndpointModelMonitoring', 'EndpointOwnership', 'EndpointScheduledReview', 'EndpointStagedRollout']);
    expect(rulesOn(findings, config)).toEqual(['EndpointConfigDataCapture', 'EndpointConfigInstanceCount', 'EndpointConfigVolumeKms']);
    expect(rulesOn(findings, model)).toEqual(['ModelExecutionRoleLeastPrivilege', 'ModelNetworkIsolation']);
    expect(findings).toHaveLength(14);
    // AND network isolation is the only warning
    expect(findings.filter((f) => f.severity === 'warning').map((f) => f.rule)).toEqual(['ModelNetworkIsolation']);
    // AND every message tells the user what to add or set
    const messages = Object.fromEntries(findings.map((f) => [f.rule, f.message]));
    expect(messages.EndpointOwnership).toContain("add the tags 'governance:owner', 'governance:purpose' and 'governance:risk-tier'");
    expect(messages.EndpointStagedRollout).toContain('add DeploymentConfig.BlueGreenUpdatePolicy');
    expect(messages.EndpointAutoRollback).toContain('add DeploymentConfig.AutoRollbackConfiguration.Alarms');
    expect(messages.EndpointKillSwitch).toContain('add an SSM kill-switch parameter');
    expect(messages.EndpointConfigDataCapture).toContain('add DataCaptureConfig');
    expect(messages.EndpointConfigVolumeKms).toContain('add KmsKeyId');
    expect(messages.EndpointConfigInstanceCount).toContain('set InitialInstanceCount >= 2');
    expect(messages.ModelNetworkIsolation).toContain('set EnableNetworkIsolation to true');
    expect(messages.ModelExecutionRoleLeastPrivilege).toContain('replace them with a customer-managed policy');
    expect(messages.EndpointAlarms).toContain('add alarms on its AWS/SageMaker metrics');
    expect(messages.EndpointLogGroupRetained).toContain("add an AWS::Logs::LogGroup named '/aws/sagemaker/Endpoints/<EndpointName>'");
    expect(messages.EndpointEvidenceSnapshot).toContain('allow one role');
    expect(messages.EndpointModelMonitoring).toContain("tag the endpoint 'governance:monitoring-config'");
    expect(messages.EndpointScheduledReview).toContain("tag it 'governance:review-every-days'");
  });

  test('WHEN it reports a finding THEN the message ends with the references of the controls its rule judges, from the catalogue', () => {
    // GIVEN the findings on a plain L1 endpoint
    const stack = newStack();
    l1Endpoint(stack, 'Plain');
    const findings = governanceFindings(stack);
    expect(findings.length).toBeGreaterThan(5);
    // THEN each message ends with its rule's catalogue references, in parentheses
    for (const f of findings) {
      const references = referenceText(ruleReferences(f.rule));
      expect(references).not.toEqual('');
      expect({ rule: f.rule, ending: f.message.slice(-references.length - 4) }).toEqual({ rule: f.rule, ending: ` (${references}).` });
    }
  });

  test('WHEN props set tag keys, floors and instance count THEN the rules judge with them', () => {
    // GIVEN an endpoint tagged with the organisation's own keys, 2 instances, 50% capture on a MEDIUM tier
    const stack = newStack();
    const { endpoint, config } = l1Endpoint(stack, 'Custom', {
      tags: { 'org:owner': 'team@example.com', 'org:purpose': 'ranking', 'org:tier': 'MEDIUM' },
      instanceCount: 2,
      config: { dataCaptureConfig: { initialSamplingPercentage: 50, kmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab', destinationS3Uri: 's3://b/p', captureOptions: [{ captureMode: 'Input' }, { captureMode: 'Output' }] } },
    });
    const props = { ownerTagKey: 'org:owner', purposeTagKey: 'org:purpose', riskTierTagKey: 'org:tier' };
    // WHEN the pack runs with those keys and floors of 60% and 3 instances
    const findings = governanceFindings(stack, { ...props, minimumSamplingPercentage: 60, minimumInstanceCount: 3 });
    // THEN ownership passes, and the floors are the configured ones
    expect(rulesOn(findings, endpoint)).not.toContain('EndpointOwnership');
    expect(rulesOn(findings, config)).toEqual(expect.arrayContaining(['EndpointConfigDataCapture', 'EndpointConfigInstanceCount']));
    // AND with the default floors the same config passes both
    expect(rulesOn(governanceFindings(stack, props), config)).not.toEqual(expect.arrayContaining(['EndpointConfigDataCapture']));
    expect(rulesOn(governanceFindings(stack, props), config)).not.toContain('EndpointConfigInstanceCount');
  });

  test('WHEN props are invalid THEN it refuses them, naming every problem', () => {
    expect(() => new AiGovernanceChecks(undefined, { ownerTagKey: '', minimumSamplingPercentage: 120, minimumLogRetentionDays: 0 }))
      .toThrow(/ownerTagKey: received ""; allowed: a tag key[\s\S]*minimumSamplingPercentage: received 120; allowed: a whole number from 0 to 100[\s\S]*minimumLogRetentionDays: received 0/);
  });

  test('WHEN registered as a validation plugin THEN it fails synth on an ungoverned endpoint', () => {
    // GIVEN an app with the pack registered and a plain L1 endpoint
    const stack = newStack();
    l1Endpoint(stack, 'Plain');
    Validations.of(stack.node.root).addPlugins(new AiGovernanceChecks(stack.node.root));
    // THEN synth fails and names the pack's rules
    expect(() => (stack.node.root as any).synth()).toThrow(/AiGovernance-EndpointOwnership/);
  });

  describe('WHEN values cannot be resolved at synth THEN no rule throws', () => {
    const threw = (findings: { message: string }[]) => findings.filter((f) => f.message.startsWith('Rule threw an error'));

    test('GIVEN CloudFormation parameters everywhere', () => {
      // GIVEN an endpoint whose tags, instance type and count, capture, retention and actions are parameters
      const stack = newStack();
      const p = (id: string, type = 'String') => new CfnParameter(stack, id, { type });
      const tier = p('Tier').valueAsString;
      const isolated = new CfnCondition(stack, 'Isolated', { expression: Fn.conditionEquals(p('Isolation').valueAsString, 'yes') });
      const { endpoint, config, model } = l1Endpoint(stack, 'Param', {
        tags: { 'governance:owner': p('Owner').valueAsString, 'governance:purpose': p('Purpose').valueAsString, 'governance:risk-tier': tier },
        instanceType: p('InstanceType').valueAsString,
        instanceCount: p('Count', 'Number').valueAsNumber,
        model: { enableNetworkIsolation: Fn.conditionIf(isolated.logicalId, true, false), primaryContainer: { modelPackageName: p('Package').valueAsString } },
        config: {
          dataCaptureConfig: {
            initialSamplingPercentage: p('Sampling', 'Number').valueAsNumber, destinationS3Uri: 's3://b/p', kmsKeyId: p('Key').valueAsString,
            captureOptions: [{ captureMode: p('Mode').valueAsString }, { captureMode: 'Output' }],
          },
        },
        endpoint: {
          deploymentConfig: {
            blueGreenUpdatePolicy: { trafficRoutingConfiguration: { type: p('Routing').valueAsString } },
            autoRollbackConfiguration: { alarms: [{ alarmName: p('AlarmName').valueAsString }] },
          },
        },
        role: iam.Role.fromRoleArn(stack, 'ImportedRole', p('RoleArn').valueAsString),
      });
      new logs.CfnLogGroup(stack, 'Logs', { retentionInDays: p('Retention', 'Number').valueAsNumber, kmsKeyId: p('LogKey').valueAsString });
      // WHEN the pack runs
      const findings = governanceFindings(stack);
      // THEN no rule throws, and nothing that depends on a parameter is judged: the endpoint lacks a kill switch, a
      // name for its log group and a principal that may snapshot it, whatever the parameters say
      expect(threw(findings)).toEqual([]);
      expect(rulesOn(findings, endpoint)).toEqual(['EndpointEvidenceSnapshot', 'EndpointKillSwitch', 'EndpointLogGroupRetained']);
      expect(rulesOn(findings, config)).toEqual([]);
      // the model package is a parameter, but a gate is still required for it
      expect(rulesOn(findings, model)).toEqual(['ModelApprovalGate']);
    });

    test('GIVEN Fn.importValue for names, ARNs and whole property blocks', () => {
      // GIVEN an endpoint whose config name, role, alarms and deployment config are imports
      const stack = newStack();
      const { endpoint, model } = l1Endpoint(stack, 'Imported', {
        tags: governanceTags(),
        role: iam.Role.fromRoleArn(stack, 'ImportedRole', Fn.importValue('shared-model-role-arn')),
        endpoint: {
          endpointConfigName: Fn.importValue('shared-endpoint-config-name'),
          deploymentConfig: {
            blueGreenUpdatePolicy: { trafficRoutingConfiguration: { type: 'CANARY' } },
            autoRollbackConfiguration: { alarms: [{ alarmName: Fn.importValue('shared-5xx-alarm-name') }] },
          },
          tags: [...Object.entries(governanceTags()).map(([key, value]) => ({ key, value })),
            { key: 'governance:kill-switch-parameter', value: Fn.importValue('shared-kill-switch-name') }],
        },
      });
      // WHEN the pack runs
      const findings = governanceFindings(stack);
      // THEN no rule throws; imports the pack cannot follow are not judged (the endpoint has no name for its log group,
      // no model monitoring and no review interval)
      expect(threw(findings)).toEqual([]);
      expect(rulesOn(findings, endpoint)).toEqual(['EndpointLogGroupRetained', 'EndpointModelMonitoring', 'EndpointScheduledReview']);
      expect(rulesOn(findings, model)).toEqual(['ModelNetworkIsolation']);
    });

    test('GIVEN cross-stack references THEN they are followed to the resources in the other stack', () => {
      // GIVEN alarms and an invoking role in one stack, the endpoint that uses them in another
      const shared = newStack('Shared');
      const app = shared.node.root;
      const alarm = notifyingAlarm(shared, 'Errors');
      const serving = new Stack(app, 'Serving');
      const { endpoint } = l1Endpoint(serving, 'Cross', {
        tags: governanceTags('HIGH', { 'governance:kill-switch-parameter': '/governed-endpoint/cross/kill-switch' }),
        endpoint: {
          deploymentConfig: {
            blueGreenUpdatePolicy: { trafficRoutingConfiguration: { type: 'LINEAR' } },
            autoRollbackConfiguration: { alarms: [{ alarmName: alarm.alarmName }] },
          },
        },
      });
      killSwitchParameter(serving, 'Switch', '/governed-endpoint/cross/kill-switch');
      // WHEN the pack runs over the serving stack only
      const findings = governanceFindings(serving);
      // THEN the alarm in the other stack counts for rollback and watching, and nothing throws (the endpoint has no log
      // group, snapshot principal, monitoring or review interval, which this test does not add)
      expect(threw(findings)).toEqual([]);
      expect(rulesOn(findings, endpoint)).toEqual(['EndpointEvidenceSnapshot', 'EndpointLogGroupRetained', 'EndpointModelMonitoring', 'EndpointScheduledReview']);
    });
  });
});
