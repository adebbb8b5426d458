import { Deadline } from '../shared/deadline';
import { errorText, log } from '../shared/log';
import { PublishCommand } from './aws';
import { call, MonitorContext } from './context';

/** What an alert is about: a failure, a missing baseline, hypercare, or a review reminder. */
export type AlertKind = 'failure' | 'baseline-unavailable' | 'hypercare-started' | 'hypercare-ended' | 'review';

/**
 * Publish a notice to an endpoint's alert topic. Returns `false` (after an ERROR log) when it could not be sent:
 * the caller counts that endpoint as failed, so the invocation fails and the function's error alarm fires.
 */
export async function notify(topicArn: string | undefined, endpointName: string, kind: AlertKind, subject: string, lines: string[], ctx: MonitorContext, deadline: Deadline): Promise<boolean> {
  if (!topicArn) {
    log('ERROR', 'no alert topic to notify', { endpoint: endpointName, kind, subject });
    return false;
  }
  try {
    await call(ctx, 'Publish', deadline, (abortSignal) => ctx.clients.sns.send(new PublishCommand({
      TopicArn: topicArn,
      Subject: truncate(`[model monitor] ${subject}`.replace(/[^\x20-\x7e]/g, ' '), 100),
      Message: truncate(lines.join('\n'), 200_000),
      MessageAttributes: {
        endpoint: { DataType: 'String', StringValue: endpointName },
        kind: { DataType: 'String', StringValue: kind },
      },
    }), { abortSignal }));
    return true;
  } catch (err) {
    log('ERROR', `could not notify ${topicArn}`, { endpoint: endpointName, kind, subject, error: errorText(err) });
    return false;
  }
}

export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 3)}...`;
}
