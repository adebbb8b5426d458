import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** Props of {@link AlarmTopic}. */
export interface AlarmTopicProps {
  /** Display name of the topic. */
  readonly displayName: string;
  /** Customer-managed key that encrypts the topic (its policy must let `cloudwatch.amazonaws.com` use it). */
  readonly encryptionKey: kms.IKey;
}

/**
 * An SNS topic CloudWatch alarms publish to: KMS-encrypted, TLS-only, and open to this account's
 * alarms only. The TLS-only policy replaces SNS's default topic policy, so the alarms' permission is
 * written out explicitly.
 */
export class AlarmTopic extends sns.Topic {
  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id, { displayName: props.displayName, masterKey: props.encryptionKey, enforceSSL: true });
    this.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsOfThisAccount',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [this.topicArn],
      conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
    }));
  }
}
