/**
 * CloudFormation custom resource `Custom::ModelApprovalGate`: the deployment fails unless the model
 * package's `ModelApprovalStatus` is `Approved`. Runs on Create and Update (a new package version
 * is an Update); Delete always succeeds.
 */
import { DescribeModelPackageCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import * as http from 'node:http';
import * as https from 'node:https';

/** The CloudFormation custom resource event fields the gate reads. */
export interface GateEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: { readonly ModelPackageArn?: string };
}

/** What the gate decided, as sent to CloudFormation. */
export interface GateResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data?: { readonly ModelApprovalStatus: string };
}

const sagemaker = new SageMakerClient({ maxAttempts: 5 });

/** Decide, without sending: exported for tests. */
export async function decide(event: GateEvent, client: SageMakerClient = sagemaker): Promise<GateResponse> {
  const arn = event.ResourceProperties.ModelPackageArn ?? '';
  const base = {
    PhysicalResourceId: arn || event.PhysicalResourceId || event.LogicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  };
  if (event.RequestType === 'Delete') {
    return { ...base, PhysicalResourceId: event.PhysicalResourceId ?? base.PhysicalResourceId, Status: 'SUCCESS', Reason: 'Approval gate removed.' };
  }
  if (!arn) {
    return { ...base, Status: 'FAILED', Reason: 'ModelPackageArn is missing: the approval gate cannot check an unnamed model package.' };
  }
  try {
    const out = await client.send(new DescribeModelPackageCommand({ ModelPackageName: arn }));
    const status = out.ModelApprovalStatus ?? 'Unknown';
    if (status === 'Approved') {
      return { ...base, Status: 'SUCCESS', Reason: `Model package ${arn} is Approved.`, Data: { ModelApprovalStatus: status } };
    }
    return {
      ...base,
      Status: 'FAILED',
      Reason: `Model package ${arn} has ModelApprovalStatus ${status}; only Approved packages may be deployed. ` +
        'Approve it in the SageMaker Model Registry (UpdateModelPackage ModelApprovalStatus=Approved) and deploy again.',
      Data: { ModelApprovalStatus: status },
    };
  } catch (err) {
    const e = err as Error;
    return { ...base, Status: 'FAILED', Reason: `Could not read model package ${arn} (${e.name}: ${e.message}); failing closed.` };
  }
}

/** Send the response to CloudFormation's pre-signed URL. */
export function send(url: string, response: GateResponse): Promise<void> {
  const body = JSON.stringify(response);
  return new Promise((resolve, reject) => {
    // CloudFormation's URL is https; plain http is accepted for local tests only.
    const request = url.startsWith('http:') ? http.request : https.request;
    const req = request(url, { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Lambda entry point. */
export async function handler(event: GateEvent): Promise<void> {
  const response = await decide(event);
  console.log(JSON.stringify({ gate: response.Status, reason: response.Reason, modelPackageArn: event.ResourceProperties.ModelPackageArn }));
  await send(event.ResponseURL, response);
}
