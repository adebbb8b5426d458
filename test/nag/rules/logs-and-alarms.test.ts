import { CfnParameter } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AiGovernanceChecksProps } from '../../../lib/nag/ai-governance-checks';
import { newStack, notifyingAlarm, Verdict, verdictOn } from '../kit';

/** The verdict of `rule` on the resource `build` returns. */
function reported(rule: string, build: (stack: any) => any, props: AiGovernanceChecksProps = {}): Verdict {
  return verdictOn(rule, build(newStack()), props);
}

const key = (s: any) => new kms.Key(s, 'Key', { enableKeyRotation: true });
const metric = new cloudwatch.Metric({ namespace: 'AWS/SageMaker', metricName: 'ModelLatency' });

describe('GIVEN the rule AiGovernance-LogGroupRetention and a log group with', () => {
  const rule = 'LogGroupRetention';
  test('WHEN logs kept forever (no retention set) THEN it is non-compliant', () => {
    expect(reported(rule, (s) => new logs.LogGroup(s, 'Logs', { retention: logs.RetentionDays.INFINITE, encryptionKey: key(s) }))).toBe('non-compliant');
  });
  test('WHEN three months THEN it is non-compliant', () => {
    expect(reported(rule, (s) => new logs.LogGroup(s, 'Logs', { retention: logs.RetentionDays.THREE_MONTHS, encryptionKey: key(s) }))).toBe('non-compliant');
  });
  test('WHEN six months and the floor raised to a year THEN it is non-compliant', () => {
    expect(reported(rule, (s) => new logs.LogGroup(s, 'Logs', { retention: logs.RetentionDays.SIX_MONTHS }), { minimumLogRetentionDays: 365 })).toBe('non-compliant');
  });
  test('WHEN six months THEN it is compliant', () => {
    expect(reported(rule, (s) => new logs.LogGroup(s, 'Logs', { retention: logs.RetentionDays.SIX_MONTHS, encryptionKey: key(s) }))).toBe('compliant');
  });
  test('WHEN the retention is a parameter THEN it is not applicable', () => {
    expect(reported(rule, (s) => new logs.CfnLogGroup(s, 'Logs', { retentionInDays: new CfnParameter(s, 'Days', { type: 'Number' }).valueAsNumber }))).toBe('not-applicable');
  });
});

describe('GIVEN the rule AiGovernance-LogGroupEncrypted and a log group with', () => {
  const rule = 'LogGroupEncrypted';
  test('WHEN no customer key THEN it is non-compliant', () => {
    expect(reported(rule, (s) => new logs.LogGroup(s, 'Logs', { retention: logs.RetentionDays.ONE_YEAR }))).toBe('non-compliant');
  });
  test('WHEN a customer key THEN it is compliant', () => {
    expect(reported(rule, (s) => new logs.LogGroup(s, 'Logs', { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: key(s) }))).toBe('compliant');
  });
  test('WHEN it judges a resource that is not a log group THEN it is not applicable', () => {
    expect(reported(rule, (s) => key(s))).toBe('not-applicable');
  });
});

describe('GIVEN the rule AiGovernance-AlarmActionEnabled and an alarm with', () => {
  const rule = 'AlarmActionEnabled';
  test('WHEN no alarm action THEN it is non-compliant', () => {
    expect(reported(rule, (s) => new cloudwatch.Alarm(s, 'Alarm', { metric, threshold: 1, evaluationPeriods: 1 }))).toBe('non-compliant');
  });
  test('WHEN only an OK action THEN it is non-compliant', () => {
    expect(reported(rule, (s) => {
      const alarm = notifyingAlarm(s, 'Alarm');
      (alarm.node.defaultChild as cloudwatch.CfnAlarm).okActions = (alarm.node.defaultChild as cloudwatch.CfnAlarm).alarmActions;
      (alarm.node.defaultChild as cloudwatch.CfnAlarm).alarmActions = undefined;
      return alarm;
    })).toBe('non-compliant');
  });
  test('WHEN actions disabled THEN it is non-compliant', () => {
    expect(reported(rule, (s) => {
      const alarm = notifyingAlarm(s, 'Alarm');
      (alarm.node.defaultChild as cloudwatch.CfnAlarm).actionsEnabled = false;
      return alarm;
    })).toBe('non-compliant');
  });
  test('WHEN a composite alarm without actions THEN it is non-compliant', () => {
    expect(reported(rule, (s) => new cloudwatch.CompositeAlarm(s, 'Composite', {
      alarmRule: cloudwatch.AlarmRule.fromAlarm(notifyingAlarm(s, 'Alarm'), cloudwatch.AlarmState.ALARM),
    }))).toBe('non-compliant');
  });
  test('WHEN an action on the ALARM state THEN it is compliant', () => {
    expect(reported(rule, (s) => notifyingAlarm(s, 'Alarm'))).toBe('compliant');
  });
  test('WHEN the alarm actions are a parameter THEN it is not applicable', () => {
    expect(reported(rule, (s) => {
      const alarm = new cloudwatch.Alarm(s, 'Alarm', { metric, threshold: 1, evaluationPeriods: 1 });
      (alarm.node.defaultChild as cloudwatch.CfnAlarm).alarmActions = new CfnParameter(s, 'Actions', { type: 'CommaDelimitedList' }).valueAsList;
      return alarm;
    })).toBe('not-applicable');
  });
});
