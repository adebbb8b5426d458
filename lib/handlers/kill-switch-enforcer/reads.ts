import { EnforcementTarget, KILL_SWITCH_TAG } from '../../policy/kill-switch-protocol';
import { Deadline } from '../shared/deadline';
import { errorText, log } from '../shared/log';
import { GetParameterHistoryCommand, ListTagsCommand } from './aws';
import { call, EnforceContext } from './context';
import { ParameterVersion, TagState } from './decide';

// The SDK's paginators (`paginateListTags`, `paginateGetParameterHistory`) are not used: every page needs the
// enforcer's retries, deadline and abort signal, and a page that fails or repeats must make the whole read
// unknown, which the pages below do explicitly.

/** More pages than any endpoint's tags (SageMaker allows 50 per resource) or a parameter's history (100 versions) fill. */
const MAX_PAGES = 20;

/**
 * The endpoint's kill-switch tag, from every page of `ListTags`. `missing` when the endpoint does not exist;
 * `unknown` when any page could not be read, or the pages did not end: then the tag may or may not be set.
 */
export async function readTags(target: EnforcementTarget, ctx: EnforceContext, deadline: Deadline): Promise<TagState> {
  let value: string | undefined;
  let token: string | undefined;
  const seen = new Set<string>();
  try {
    for (let page = 1; page <= MAX_PAGES; page++) {
      const out = await call(ctx, 'ListTags', deadline, (abortSignal) => ctx.clients.sagemaker.send(
        new ListTagsCommand({ ResourceArn: target.endpointArn, NextToken: token, MaxResults: 100 }), { abortSignal }));
      const found = out.Tags?.find((t) => t.Key === KILL_SWITCH_TAG);
      if (found) {
        value = found.Value ?? '';
      }
      token = out.NextToken;
      if (!token) {
        return { kind: 'known', value };
      }
      if (seen.has(token)) {
        return unknown(target, `ListTags returned the page token of an earlier page again (page ${page + 1})`);
      }
      seen.add(token);
    }
    return unknown(target, `ListTags returned more than ${MAX_PAGES} pages`);
  } catch (err) {
    const e = err as { name?: string; message?: string };
    if (e.name === 'ResourceNotFound' || (e.name === 'ValidationException' && /not found|could not find|does not exist/i.test(e.message ?? ''))) {
      return { kind: 'missing' };
    }
    return unknown(target, errorText(err));
  }
}

function unknown(target: EnforcementTarget, error: string): TagState {
  log('ERROR', `could not read every tag of ${target.endpoint}; its pause state is unknown`, { endpoint: target.endpoint, error });
  return { kind: 'unknown', error };
}

/** Every version of a parameter (SSM keeps the last 100), oldest first; throws unless every page was read. */
export async function readHistory(name: string, ctx: EnforceContext, deadline: Deadline): Promise<ParameterVersion[]> {
  const versions: ParameterVersion[] = [];
  let token: string | undefined;
  const seen = new Set<string>();
  for (let page = 1; page <= MAX_PAGES; page++) {
    const out = await call(ctx, 'GetParameterHistory', deadline, (abortSignal) => ctx.clients.ssm.send(
      new GetParameterHistoryCommand({ Name: name, NextToken: token, MaxResults: 50 }), { abortSignal }));
    for (const p of out.Parameters ?? []) {
      versions.push({
        version: p.Version ?? 0,
        value: p.Value,
        description: p.Description,
        lastModifiedUser: p.LastModifiedUser,
        lastModifiedDate: p.LastModifiedDate instanceof Date ? p.LastModifiedDate.toISOString() : p.LastModifiedDate ? String(p.LastModifiedDate) : undefined,
        labels: p.Labels,
      });
    }
    token = out.NextToken;
    if (!token) {
      return versions.sort((a, b) => a.version - b.version);
    }
    if (seen.has(token)) {
      throw new Error(`GetParameterHistory returned the page token of an earlier page again (page ${page + 1})`);
    }
    seen.add(token);
  }
  throw new Error(`GetParameterHistory returned more than ${MAX_PAGES} pages`);
}
