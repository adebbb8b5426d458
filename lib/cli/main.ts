/**
 * `lib/cli`: the `governed-endpoint` operator CLI (status, pause and resume with the kill switch, follow a
 * rollout, the scheduled-review summary). Its entry is `bin/cli.ts`, the package's `governed-endpoint` binary;
 * it talks to AWS through the SDK's clients on the standard credential chain.
 *
 * It may import `lib/policy` (the kill-switch runtime protocol it shares with the enforcer: tag keys,
 * parameter values, the deployment marker) and its own files; never aws-cdk-lib, the constructs, the nag
 * pack or the report.
 *
 * - main.ts (this file): the wiring: commands and options (commander), the surroundings (`CliDeps`), exit codes;
 * - status.ts, switch.ts, watch.ts, review.ts: what each command does; endpoint.ts, aws.ts: the AWS reads they share;
 * - errors.ts: exit codes and the messages of known AWS errors;
 * - format.ts: the text printed (human, coloured, JSON); output.ts: where it goes (stdout, stderr, spinner).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KillSwitchState } from '../policy/kill-switch-protocol';
import { AwsTarget, CliClients, createClients, createS3Client } from './aws';
import { classify, EXIT_CODE_HELP, ExitCode } from './errors';
import { formatReview, formatStatus, formatSwitch, formatWatch, formatWatchLine } from './format';
import { Output, Terminal } from './output';
import { review } from './review';
import { status } from './status';
import { flip } from './switch';
import { watch } from './watch';

/** What the CLI needs from its surroundings (streams, AWS clients, time); tests replace any of it. */
export interface CliDeps extends Terminal {
  /** AWS clients for a region and profile. */
  readonly clients: (target: AwsTarget) => CliClients;
  /** An S3 client for a region and profile (`review` reads the monitoring reports). */
  readonly s3: (target: AwsTarget) => S3Client;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
}

interface GlobalOptions {
  readonly region?: string;
  readonly profile?: string;
  readonly json?: boolean;
}

/** The real surroundings: the standard credential chain, the process's streams, real time. */
export function defaultDeps(): CliDeps {
  return {
    clients: createClients,
    s3: createS3Client,
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    interactive: !!process.stderr.isTTY,
    color: !!process.stdout.isTTY && !process.env.NO_COLOR,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => Date.now(),
  };
}

/** Run the CLI on `argv` (without the node and script paths); resolves to the exit code. */
export async function run(argv: string[], overrides: Partial<CliDeps> = {}): Promise<number> {
  const deps: CliDeps = { ...defaultDeps(), ...overrides };
  const program = buildProgram(deps);
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return ExitCode.USAGE;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ExitCode.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    }
    const globals = program.opts<GlobalOptions>();
    const e = classify(err, globals);
    new Output(deps, !!globals.json).error(e);
    return e.exitCode;
  }
}

function buildProgram(deps: CliDeps): Command {
  const program = new Command('governed-endpoint')
    .description('Operate governed SageMaker endpoints: status, pause and resume with the kill switch, follow a rollout, review.\n' +
      'Uses the standard AWS credential chain (environment, SSO, profiles, instance roles).')
    .version(packageVersion(), '-V, --version')
    .option('--region <region>', 'AWS region (default: AWS_REGION or the profile\'s region)')
    .option('--profile <profile>', 'named profile from your AWS config (default: AWS_PROFILE or default)')
    .option('--json', 'print one JSON document on stdout, for scripts')
    .addHelpText('after', `\n${EXIT_CODE_HELP}\n`)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: deps.stdout, writeErr: deps.stderr });

  const globals = (cmd: Command) => cmd.optsWithGlobals<GlobalOptions & Record<string, unknown>>();
  const clientsOf = (o: GlobalOptions) => deps.clients({ region: o.region, profile: o.profile });
  const outputOf = (o: GlobalOptions) => new Output(deps, !!o.json);

  program.command('status')
    .description('endpoint status, variants and weights, rollout stage, kill-switch value (and who changed it when, and why), alarm states')
    .argument('<endpoint>', 'endpoint name')
    .option('--parameter <name>', 'kill-switch parameter (default: the one the endpoint\'s governance:kill-switch-parameter tag names)')
    .option('--alarm-prefix <prefix>', 'also show alarms whose name starts with this (default: "<endpoint>-")')
    .action(async (endpoint: string, _opts, cmd: Command) => {
      const o = globals(cmd);
      const out = outputOf(o);
      const report = await status(clientsOf(o), endpoint, { parameter: o.parameter as string | undefined, alarmPrefix: o.alarmPrefix as string | undefined, region: o.region });
      out.result(report, formatStatus(report, out.colors));
    });

  for (const [name, state] of [['pause', KillSwitchState.PAUSED], ['resume', KillSwitchState.ACTIVE]] as const) {
    program.command(name)
      .description(state === KillSwitchState.PAUSED
        ? 'set the kill switch to PAUSED (invocations through the library\'s grants are denied) and wait until the endpoint is tagged'
        : 'set the kill switch to ACTIVE and wait until the pause tag is removed')
      .argument('<endpoint>', 'endpoint name')
      .requiredOption('--reason <text>', 'why: recorded as the parameter version\'s description and sent in the notification')
      .option('--parameter <name>', 'kill-switch parameter (default: the one the endpoint\'s tag names)')
      .option('--timeout <seconds>', 'how long to wait for the endpoint\'s tag', positiveInt, 120)
      .option('--poll <seconds>', 'how often to look at the tag', positiveInt, 2)
      .option('--no-wait', 'return once the parameter is written')
      .action(async (endpoint: string, _opts, cmd: Command) => {
        const o = globals(cmd);
        const out = outputOf(o);
        const p = out.progress();
        try {
          const result = await flip(clientsOf(o), endpoint, state, {
            reason: o.reason as string, parameter: o.parameter as string | undefined, wait: o.wait as boolean,
            timeoutSeconds: o.timeout as number, pollSeconds: o.poll as number, region: o.region,
            progress: p.update, sleep: deps.sleep, now: deps.now,
          });
          out.resultAfter(p, result, formatSwitch(result));
        } catch (err) {
          p.done(false, `${name} of ${endpoint} did not complete`);
          throw err;
        }
      });
  }

  program.command('watch')
    .description('follow a blue/green or rolling update until it finishes (exit 0), rolls back or fails (exit 7)')
    .argument('<endpoint>', 'endpoint name')
    .option('--interval <seconds>', 'seconds between polls', positiveInt, 15)
    .option('--timeout <seconds>', 'give up after this long (exit 6)', positiveInt, 28800)
    .action(async (endpoint: string, _opts, cmd: Command) => {
      const o = globals(cmd);
      const out = outputOf(o);
      const result = await watch(clientsOf(o), endpoint, {
        intervalSeconds: o.interval as number, timeoutSeconds: o.timeout as number, region: o.region,
        progress: (line) => out.line(formatWatchLine(deps.now(), line)),
        sleep: deps.sleep, now: deps.now,
      });
      out.result(result, formatWatch(result, out.colors));
    });

  program.command('review')
    .description('the scheduled-review summary the owner receives: owner, purpose, tier, alarms in ALARM, pauses in the review period, ' +
      'drift trend from the monitoring reports (parts that cannot be read are listed, not left out)')
    .argument('<endpoint>', 'endpoint name')
    .action(async (endpoint: string, _opts, cmd: Command) => {
      const o = globals(cmd);
      const out = outputOf(o);
      const target = { region: o.region, profile: o.profile };
      const report = await review({ ...deps.clients(target), s3: deps.s3(target) }, endpoint, { region: o.region, now: deps.now });
      out.result(report, formatReview(report, out.colors));
    });
  return program;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    throw new InvalidArgumentError(`expected a whole number of seconds greater than 0, received "${value}"`);
  }
  return n;
}

/** The package's version, from the nearest package.json above this file. */
function packageVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'governed-model-endpoints') {
        return pkg.version ?? '0.0.0';
      }
    }
  }
  return '0.0.0';
}
