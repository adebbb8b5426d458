import { DescribeAlarmsCommand, StateValue } from '@aws-sdk/client-cloudwatch';
import { DescribeEndpointCommand, DescribeEndpointCommandOutput, ListTagsCommand } from '@aws-sdk/client-sagemaker';
import { GetParameterHistoryCommand, ParameterHistory } from '@aws-sdk/client-ssm';
import { defaultKillSwitchParameterName, KILL_SWITCH_PARAMETER_TAG, KILL_SWITCH_TAG } from '../policy/kill-switch-protocol';
import { CliClients } from './aws';
import { CliError, classify, ExitCode, isEndpointNotFound } from './errors';

/** The endpoint, or exit code 3 when it does not exist. */
export async function describeEndpoint(clients: CliClients, name: string, region?: string): Promise<DescribeEndpointCommandOutput> {
  try {
    return await clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: name }));
  } catch (err) {
    if (isEndpointNotFound(err)) {
      throw new CliError(ExitCode.NOT_FOUND, `Endpoint ${name} not found${region ? ` in ${region}` : ''}. Check the name, --region and --profile.`, { endpoint: name });
    }
    throw err;
  }
}

/** The endpoint's tags as a map. */
export async function endpointTags(clients: CliClients, endpointArn: string): Promise<Map<string, string>> {
  const tags = new Map<string, string>();
  let token: string | undefined;
  do {
    const page = await clients.sagemaker.send(new ListTagsCommand({ ResourceArn: endpointArn, NextToken: token, MaxResults: 100 }));
    for (const t of page.Tags ?? []) {
      if (t.Key) {
        tags.set(t.Key, t.Value ?? '');
      }
    }
    token = page.NextToken;
  } while (token);
  return tags;
}

/** The kill-switch parameter of an endpoint: the one given, else the one its tag names, else the default name. */
export function parameterOf(endpointName: string, tags: Map<string, string>, given?: string): string {
  return given ?? tags.get(KILL_SWITCH_PARAMETER_TAG) ?? defaultKillSwitchParameterName(endpointName);
}

/** The pause tag's value, if any. */
export function pauseTag(tags: Map<string, string>): string | undefined {
  return tags.get(KILL_SWITCH_TAG);
}

/** The newest version of a parameter, or exit code 3 when it does not exist. */
export async function currentVersion(clients: CliClients, parameter: string): Promise<ParameterHistory> {
  const versions: ParameterHistory[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await clients.ssm.send(new GetParameterHistoryCommand({ Name: parameter, NextToken: token, MaxResults: 50 }));
      versions.push(...(page.Parameters ?? []));
      token = page.NextToken;
    } while (token);
  } catch (err) {
    if ((err as { name?: string }).name === 'ParameterNotFound') {
      throw new CliError(ExitCode.NOT_FOUND, `Kill-switch parameter ${parameter} not found. Pass --parameter if the endpoint uses another name.`, { parameter });
    }
    throw err;
  }
  const newest = versions.sort((a, b) => (a.Version ?? 0) - (b.Version ?? 0)).pop();
  if (!newest) {
    throw new CliError(ExitCode.NOT_FOUND, `Kill-switch parameter ${parameter} has no version.`, { parameter });
  }
  return newest;
}

/** One alarm's state. */
export interface AlarmState {
  readonly name: string;
  readonly state: string;
  readonly reason?: string;
  readonly since?: string;
}

/** The states of the named alarms and of those whose name starts with `prefix`; an error when they cannot be read. */
export async function alarmStates(clients: CliClients, names: string[], prefix: string | undefined): Promise<AlarmState[] | { error: string }> {
  try {
    const found = new Map<string, AlarmState>();
    const add = (alarms: { AlarmName?: string; StateValue?: StateValue | string; StateReason?: string; StateUpdatedTimestamp?: Date }[] | undefined) => {
      for (const a of alarms ?? []) {
        if (a.AlarmName) {
          found.set(a.AlarmName, { name: a.AlarmName, state: a.StateValue ?? 'UNKNOWN', reason: a.StateReason, since: a.StateUpdatedTimestamp?.toISOString() });
        }
      }
    };
    for (let i = 0; i < names.length; i += 100) {
      const r = await clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: names.slice(i, i + 100), AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }));
      add(r.MetricAlarms);
      add(r.CompositeAlarms);
    }
    if (prefix) {
      let token: string | undefined;
      do {
        const r = await clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], NextToken: token }));
        add(r.MetricAlarms);
        add(r.CompositeAlarms);
        token = r.NextToken;
      } while (token);
    }
    return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
  } catch (err) {
    const e = classify(err);
    if (e.exitCode === ExitCode.NO_CREDENTIALS) {
      throw err;
    }
    return { error: e.message.split('\n')[0] };
  }
}
