import { Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EndpointMonitoringProps } from '../../constructs/endpoint-monitoring';
import { MonitoringOptions } from '../../constructs/monitoring-options';
import { RiskTier } from '../../lib/policy/governance';

/** A stack with what an endpoint hands its monitoring: key, evidence bucket, alert topic. */
export function monitoringInputs(stack: Stack) {
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const bucket = new s3.Bucket(stack, 'Evidence', { encryption: s3.BucketEncryption.KMS, encryptionKey: key, enforceSSL: true });
  const topic = new sns.Topic(stack, 'Alerts', { masterKey: key });
  return { key, bucket, topic };
}

/** The props a HIGH tier endpoint named `fraud-scoring` passes, with `options`. */
export function monitoringProps(stack: Stack, options: MonitoringOptions, extra: Partial<EndpointMonitoringProps> = {}): EndpointMonitoringProps {
  const { key, bucket, topic } = monitoringInputs(stack);
  return {
    options,
    endpointName: 'fraud-scoring',
    governance: { owner: 'fraud-ml@example.com', purpose: 'card fraud scoring', riskTier: RiskTier.HIGH },
    samplingPercentage: 100,
    evidenceBucket: bucket,
    encryptionKey: key,
    alertTopic: topic,
    foundationName: 'ml-platform',
    killSwitchParameterName: '/governed-endpoint/fraud-scoring/kill-switch',
    ...extra,
  };
}

