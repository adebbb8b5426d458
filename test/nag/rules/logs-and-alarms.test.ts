import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AiGovernanceChecksProps } from '../../../lib/nag/ai-governance-checks';
import { governanceFindings, newStack, notifyingAlarm, rulesOn } from '../kit';

/** Whether the pack reports `rule` on the resource `build` returns. */
function reported(rule: string, build: (stack: any) => any, props: AiGovernanceChecksProps = {}): boolean {
  const stack = newStack();
  const construct = build(stack);
  return rulesOn(governanceFindings(stack, props), construct).includes(rule);
}

const key = (s: any) => new kms.Key(s, 'Key', { enableKeyRotation: true });
const metric = new cloudwatch.Metric({ namespace: 'AWS/SageMaker', metricName: 'ModelLatency' });

describe('AiGovernance-LogGroupRetention', () => {
  const rule = 'LogGroupRetention';
  test('Noncompliance: logs kept forever, no retention set', () => {
    expect(reported(rule, (s) => new logs.LogGroup(s, 'Logs', { retention: logs.RetentionDays.INFINITE, encryptionKey: key(s) }))).toBe(true);
  });
  test('Noncompliance: three months', () => {
    expect(reported(rule, (s) => new logs.LogGroup(s, 'Logs', { retention: logs.RetentionDays.THREE_MONTHS, encryptionKey: key(s) }))).toBe(true);
  });
  test('Noncompliance: six months when the floor is raised to a year', () => {
    expect(reported(rule, (s) => new logs.LogGroup(s, 'Logs', { retention: logs.RetentionDays.SIX_MONTHS }), { minimumLogRetentionDays: 365 })).toBe(true);
  });
  test('Compliance: six months', () => {
    expect(reported(rule, (s) => new logs.LogGroup(s, 'Logs', { retention: logs.RetentionDays.SIX_MONTHS, encryptionKey: key(s) }))).toBe(false);
  });
});

describe('AiGovernance-LogGroupEncrypted', () => {
  const rule = 'LogGroupEncrypted';
  test('Noncompliance: no customer key', () => {
    expect(reported(rule, (s) => new logs.LogGroup(s, 'Logs', { retention: logs.RetentionDays.ONE_YEAR }))).toBe(true);
  });
  test('Compliance: a customer key', () => {
    expect(reported(rule, (s) => new logs.LogGroup(s, 'Logs', { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: key(s) }))).toBe(false);
  });
});

describe('AiGovernance-AlarmActionEnabled', () => {
  const rule = 'AlarmActionEnabled';
  test('Noncompliance: no alarm action', () => {
    expect(reported(rule, (s) => new cloudwatch.Alarm(s, 'Alarm', { metric, threshold: 1, evaluationPeriods: 1 }))).toBe(true);
  });
  test('Noncompliance: only an OK action', () => {
    expect(reported(rule, (s) => {
      const alarm = notifyingAlarm(s, 'Alarm');
      (alarm.node.defaultChild as cloudwatch.CfnAlarm).okActions = (alarm.node.defaultChild as cloudwatch.CfnAlarm).alarmActions;
      (alarm.node.defaultChild as cloudwatch.CfnAlarm).alarmActions = undefined;
      return alarm;
    })).toBe(true);
  });
  test('Noncompliance: actions disabled', () => {
    expect(reported(rule, (s) => {
      const alarm = notifyingAlarm(s, 'Alarm');
      (alarm.node.defaultChild as cloudwatch.CfnAlarm).actionsEnabled = false;
      return alarm;
    })).toBe(true);
  });
  test('Noncompliance: a composite alarm without actions', () => {
    expect(reported(rule, (s) => new cloudwatch.CompositeAlarm(s, 'Composite', {
      alarmRule: cloudwatch.AlarmRule.fromAlarm(notifyingAlarm(s, 'Alarm'), cloudwatch.AlarmState.ALARM),
    }))).toBe(true);
  });
  test('Compliance: an action on the ALARM state', () => {
    expect(reported(rule, (s) => notifyingAlarm(s, 'Alarm'))).toBe(false);
  });
});
