import {
  ENDPOINT_NAME_TAG, EnforcementTarget, EnforcerEnvironment, EnforcerInput, endpointNameOfArn, endpointNameOfDefaultParameter, FOUNDATION_TAG,
  KILL_SWITCH_PARAMETER_TAG,
} from '../../policy/kill-switch-protocol';
import { Deadline } from '../shared/deadline';
import { log } from '../shared/log';
import { GetResourcesCommand, ListTagsCommand } from './aws';
import { call, EnforceContext, Fleet } from './context';

export type { Fleet };

// The SDK's `paginateGetResources` is not used: every page needs the enforcer's retries, deadline and abort signal,
// and a discovery that does not end must fail rather than return part of the fleet.

/** More pages than any fleet fills (100 endpoints a page). */
const MAX_PAGES = 100;

/** The fleet the function serves, from its environment; undefined when the function was deployed without one. */
export function fleetFromEnv(env: Record<string, string | undefined> = process.env): Fleet | undefined {
  const foundation = env[EnforcerEnvironment.FOUNDATION];
  if (!foundation) {
    return undefined;
  }
  return { foundation, bucket: env[EnforcerEnvironment.EVIDENCE_BUCKET] || undefined, topic: env[EnforcerEnvironment.ALERT_TOPIC_ARN] || undefined };
}

/**
 * Every endpoint tagged `governance:foundation=<fleet>` (optionally also carrying `parameter` as its kill-switch
 * parameter tag), from the Resource Groups Tagging API. Throws unless every page was read: a partial list would
 * leave endpoints unreconciled without anybody knowing.
 */
export async function discoverTargets(fleet: Fleet, ctx: EnforceContext, deadline: Deadline, parameter?: string): Promise<EnforcementTarget[]> {
  const targets: EnforcementTarget[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const out = await call(ctx, 'GetResources', deadline, (abortSignal) => ctx.clients.tagging.send(new GetResourcesCommand({
      ResourceTypeFilters: ['sagemaker:endpoint'],
      TagFilters: [{ Key: FOUNDATION_TAG, Values: [fleet.foundation] }, ...(parameter ? [{ Key: KILL_SWITCH_PARAMETER_TAG, Values: [parameter] }] : [])],
      ResourcesPerPage: 100,
      PaginationToken: token || undefined,
    }), { abortSignal }));
    for (const mapping of out.ResourceTagMappingList ?? []) {
      const arn = mapping.ResourceARN;
      if (!arn) {
        continue;
      }
      const tags = new Map((mapping.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
      targets.push(targetOf(fleet, arn, tags));
    }
    token = out.PaginationToken;
    if (!token) {
      return targets;
    }
    if (seen.has(token)) {
      throw new Error(`GetResources returned the page token of an earlier page again (page ${page + 1})`);
    }
    seen.add(token);
  }
  throw new Error(`GetResources returned more than ${MAX_PAGES} pages`);
}

/**
 * The endpoints an event concerns, among those this enforcer serves:
 * - a kill-switch parameter changed: the endpoints tagged with this foundation and that parameter; when the tag index
 *   has none yet (it is eventually consistent) and the name is a default one, the endpoint it was made from, if its
 *   own tags say it is ours and paused by that parameter;
 * - an endpoint changed state: that endpoint, if its tags say it is ours.
 * Endpoints of other foundations, and parameters of none, are not ours: an empty list.
 */
export async function targetsOfEvent(fleet: Fleet, event: NonNullable<EnforcerInput['event']>, ctx: EnforceContext, deadline: Deadline): Promise<EnforcementTarget[]> {
  const detail = event.detail ?? {};
  if (typeof detail.name === 'string') {
    const parameter = detail.name;
    const tagged = await discoverTargets(fleet, ctx, deadline, parameter);
    if (tagged.length > 0) {
      return tagged;
    }
    const endpointName = endpointNameOfDefaultParameter(parameter);
    const env = arnParts(event);
    if (endpointName === undefined || env === undefined) {
      return [];
    }
    const arn = `arn:${env.partition}:sagemaker:${env.region}:${env.account}:endpoint/${endpointName.toLowerCase()}`;
    const own = await ownTags(arn, ctx, deadline);
    return own?.get(FOUNDATION_TAG) === fleet.foundation && own.get(KILL_SWITCH_PARAMETER_TAG) === parameter ? [targetOf(fleet, arn, own, endpointName)] : [];
  }
  if (typeof detail.EndpointName === 'string') {
    const env = arnParts(event);
    const arn = (event.resources ?? []).find((r) => typeof r === 'string' && r.includes(':endpoint/')) ??
      (env ? `arn:${env.partition}:sagemaker:${env.region}:${env.account}:endpoint/${detail.EndpointName.toLowerCase()}` : undefined);
    if (arn === undefined) {
      throw new Error(`the endpoint state change of ${detail.EndpointName} carries neither the endpoint's ARN nor the account and region`);
    }
    const own = await ownTags(arn, ctx, deadline);
    return own?.get(FOUNDATION_TAG) === fleet.foundation ? [targetOf(fleet, arn, own, detail.EndpointName)] : [];
  }
  return [];
}

/** The endpoint's tags (first page: the foundation and parameter tags are the library's, set at creation), or undefined when it does not exist. */
async function ownTags(arn: string, ctx: EnforceContext, deadline: Deadline): Promise<Map<string, string> | undefined> {
  try {
    const out = await call(ctx, 'ListTags', deadline, (abortSignal) => ctx.clients.sagemaker.send(new ListTagsCommand({ ResourceArn: arn, MaxResults: 100 }), { abortSignal }));
    return new Map((out.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  } catch (err) {
    const e = err as { name?: string; message?: string };
    if (e.name === 'ResourceNotFound' || (e.name === 'ValidationException' && /not found|could not find|does not exist/i.test(e.message ?? ''))) {
      log('INFO', `endpoint ${arn} does not exist; the event concerns no endpoint to enforce`, { endpointArn: arn });
      return undefined;
    }
    throw err;
  }
}

/**
 * The enforcement target of an endpoint: its name as written (its name tag, else the name the event gave, else the
 * ARN's, which SageMaker lower-cases), its parameter (from its tag; '' when it has none: it then fails closed), and the
 * fleet's bucket and topic.
 */
function targetOf(fleet: Fleet, arn: string, tags: Map<string, string>, name?: string): EnforcementTarget {
  return {
    endpoint: tags.get(ENDPOINT_NAME_TAG) || name || endpointNameOfArn(arn),
    endpointArn: arn, parameter: tags.get(KILL_SWITCH_PARAMETER_TAG) ?? '', bucket: fleet.bucket, topic: fleet.topic,
  };
}

/** The partition, account and region of an event: from a resource ARN it names, else its own fields (partition `aws`). */
function arnParts(event: NonNullable<EnforcerInput['event']>): { partition: string; region: string; account: string } | undefined {
  const fromArn = (event.resources ?? []).map((r) => /^arn:([^:]+):[^:]*:([^:]+):(\d{12}):/.exec(String(r))).find((m) => m);
  if (fromArn) {
    return { partition: fromArn[1], region: fromArn[2], account: fromArn[3] };
  }
  return event.region && event.account ? { partition: 'aws', region: event.region, account: event.account } : undefined;
}
