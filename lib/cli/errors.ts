/** Exit codes of the `governed-endpoint` CLI (also printed by `--help`). */
export const ExitCode = {
  /** The command did what was asked. */
  OK: 0,
  /** An unexpected error (a bug, or an AWS error the CLI does not know). */
  UNEXPECTED: 1,
  /** Bad arguments or configuration (for example no region). */
  USAGE: 2,
  /** The endpoint or its kill-switch parameter does not exist (in this account and region). */
  NOT_FOUND: 3,
  /** No AWS credentials were found, or they were rejected (expired, invalid). */
  NO_CREDENTIALS: 4,
  /** The credentials are not allowed to do this (see `killSwitch.grantOperate`). */
  ACCESS_DENIED: 5,
  /** The wait ran out: the endpoint's tag does not reflect the switch yet, or the rollout is still running. */
  TIMED_OUT: 6,
  /** `watch`: the rollout was rolled back or failed. */
  ROLLOUT_FAILED: 7,
} as const;

/** The exit-code table shown in `--help`. */
export const EXIT_CODE_HELP = `Exit codes:
  0  success
  1  unexpected error
  2  usage error (bad arguments, no region)
  3  endpoint or kill-switch parameter not found
  4  no AWS credentials, or credentials rejected (expired or invalid)
  5  access denied
  6  timed out waiting (tag not yet reflecting the switch, or rollout still running)
  7  rollout rolled back or failed (watch)`;

/** An error the CLI reports with its own message and exit code. */
export class CliError extends Error {
  constructor(public readonly exitCode: number, message: string, public readonly details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'CliError';
  }
}

const CREDENTIAL_ERRORS = new Set([
  'ExpiredToken', 'ExpiredTokenException', 'UnrecognizedClientException', 'InvalidClientTokenId', 'InvalidSignatureException',
  'SignatureDoesNotMatch', 'TokenRefreshRequired', 'InvalidAccessKeyId', 'MissingAuthenticationToken',
]);
const ACCESS_ERRORS = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthorizationError', 'Forbidden']);

/** Turn any error into the message and exit code the user sees. */
export function classify(err: unknown, context: { region?: string; profile?: string } = {}): CliError {
  if (err instanceof CliError) {
    return err;
  }
  const e = (err ?? {}) as { name?: string; message?: string; Code?: string };
  const name = e.name ?? e.Code ?? 'Error';
  const message = e.message ?? String(err);
  const where = context.profile ? ` (profile ${context.profile})` : '';
  if (name === 'CredentialsProviderError' || /Could not load credentials|credentials.*not.*(found|loaded)/i.test(message)) {
    return new CliError(ExitCode.NO_CREDENTIALS,
      `No AWS credentials found${where}. Sign in (for example \`aws sso login${context.profile ? ` --profile ${context.profile}` : ''}\`), ` +
      'pass --profile, or set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.', { error: name });
  }
  if (CREDENTIAL_ERRORS.has(name)) {
    return new CliError(ExitCode.NO_CREDENTIALS, `AWS rejected the credentials${where} (${name}: ${message}). Refresh them (for example \`aws sso login\`) and retry.`, { error: name });
  }
  if (/Region is missing|region.*not.*(set|configured)/i.test(message)) {
    return new CliError(ExitCode.USAGE, 'No AWS region: pass --region or set AWS_REGION (or a region in your profile).', { error: name });
  }
  if (ACCESS_ERRORS.has(name) || /not authorized to perform|AccessDenied/i.test(message)) {
    return new CliError(ExitCode.ACCESS_DENIED,
      `Access denied${where}: ${message}\nOperators need the grant from \`endpoint.killSwitch.grantOperate(role)\` ` +
      '(write the parameter, read its history, describe and list the tags of the endpoint).', { error: name });
  }
  return new CliError(ExitCode.UNEXPECTED, `${name}: ${message}`, { error: name });
}

/** True for SageMaker's "no such endpoint" answer. */
export function isEndpointNotFound(err: unknown): boolean {
  const e = err as { name?: string; message?: string } | undefined;
  return !!e && (e.name === 'ResourceNotFound' || (e.name === 'ValidationException' && /could not find|not found|does not exist/i.test(e.message ?? '')));
}
