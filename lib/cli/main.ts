import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { createSpinner } from 'nanospinner';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createColors } from 'picocolors';
import { KillSwitchState } from '../policy/kill-switch-protocol';
import { AwsTarget, CliClients, createClients } from './aws';
import { classify, EXIT_CODE_HELP, ExitCode } from './errors';
import { status, StatusReport } from './status';
import { flip, SwitchResult } from './switch';
import { watch, WatchResult } from './watch';

/** What the CLI needs from its surroundings; tests replace any of it. */
export interface CliDeps {
  /** AWS clients for a region and profile. */
  readonly clients: (target: AwsTarget) => CliClients;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Show a spinner on stderr (a terminal, and not --json). */
  readonly interactive: boolean;
  readonly color: boolean;
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
    if (globals.json) {
      deps.stdout(`${JSON.stringify({ error: { exitCode: e.exitCode, message: e.message, ...e.details } }, null, 2)}\n`);
    } else {
      deps.stderr(`${createColors(deps.color).red('error')} ${e.message}\n`);
    }
    return e.exitCode;
  }
}

function buildProgram(deps: CliDeps): Command {
  const c = createColors(deps.color);
  const program = new Command('governed-endpoint')
    .description('Operate governed SageMaker endpoints: status, pause and resume with the kill switch, follow a rollout.\n' +
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
  const emit = (o: GlobalOptions, result: object, human: string) => deps.stdout(o.json ? `${JSON.stringify(result, null, 2)}\n` : `${human}\n`);
  const progress = (o: GlobalOptions) => {
    if (o.json) {
      return { update: () => undefined, done: () => undefined };
    }
    if (deps.interactive) {
      const spinner = createSpinner('', { stream: process.stderr });
      return {
        update: (t: string) => (spinner.isSpinning() ? spinner.update({ text: t }) : spinner.start({ text: t })),
        done: (ok: boolean, t?: string) => (ok ? spinner.success({ text: t }) : spinner.error({ text: t })),
      };
    }
    return { update: (t: string) => deps.stderr(`${t}\n`), done: () => undefined };
  };

  program.command('status')
    .description('endpoint status, variants and weights, rollout stage, kill-switch value (and who changed it when, and why), alarm states')
    .argument('<endpoint>', 'endpoint name')
    .option('--parameter <name>', 'kill-switch parameter (default: the one the endpoint\'s governance:kill-switch-parameter tag names)')
    .option('--alarm-prefix <prefix>', 'also show alarms whose name starts with this (default: "<endpoint>-")')
    .action(async (endpoint: string, _opts, cmd: Command) => {
      const o = globals(cmd);
      const report = await status(clientsOf(o), endpoint, { parameter: o.parameter as string | undefined, alarmPrefix: o.alarmPrefix as string | undefined, region: o.region });
      emit(o, report, formatStatus(report, c));
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
        const p = progress(o);
        try {
          const result = await flip(clientsOf(o), endpoint, state, {
            reason: o.reason as string, parameter: o.parameter as string | undefined, wait: o.wait as boolean,
            timeoutSeconds: o.timeout as number, pollSeconds: o.poll as number, region: o.region,
            progress: p.update, sleep: deps.sleep, now: deps.now,
          });
          p.done(true, formatSwitch(result));
          if (o.json || !deps.interactive) {
            emit(o, result, formatSwitch(result));
          }
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
      const result = await watch(clientsOf(o), endpoint, {
        intervalSeconds: o.interval as number, timeoutSeconds: o.timeout as number, region: o.region,
        progress: (line) => { if (!o.json) { deps.stdout(`${new Date(deps.now()).toISOString()}  ${line}\n`); } },
        sleep: deps.sleep, now: deps.now,
      });
      emit(o, result, formatWatch(result, c));
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

type Colors = ReturnType<typeof createColors>;

/** The human form of `status`. */
export function formatStatus(r: StatusReport, c: Colors): string {
  const ks = r.killSwitch;
  const state = ks.value === KillSwitchState.PAUSED ? c.red(c.bold('PAUSED')) : ks.value === KillSwitchState.ACTIVE ? c.green('ACTIVE') : c.red(String(ks.value));
  const pad = (label: string) => `  ${label.padEnd(13)}`;
  const cont = ' '.repeat(15);
  const lines = [
    `${c.bold(r.endpoint)}  ${r.status ?? 'unknown'}${r.failureReason ? `  ${c.red(r.failureReason)}` : ''}`,
    `${pad('kill switch')}${state}  (endpoint tag: ${ks.endpointTag ?? 'none'}${ks.enforced ? '' : c.yellow(', NOT yet enforced')})`,
    `${cont}parameter ${ks.parameter}, version ${ks.version ?? '?'}`,
    `${cont}changed ${ks.changedAt ?? '?'} by ${ks.changedBy ?? '?'}`,
  ];
  if (ks.reason) {
    lines.push(`${cont}reason: ${ks.reason}`);
  }
  r.variants.forEach((v, i) => lines.push(`${i === 0 ? pad('variants') : cont}${v.name}  weight ${v.weight ?? '?'}  instances ${v.instances ?? '?'}` +
    (v.desiredInstances !== undefined && v.desiredInstances !== v.instances ? ` -> ${v.desiredInstances}` : '')));
  if (r.rollout.inProgress) {
    lines.push(`${pad('rollout')}${c.yellow('in progress')}${r.rollout.targetConfig ? ` to ${r.rollout.targetConfig}` : ''}${r.rollout.startedAt ? ` since ${r.rollout.startedAt}` : ''}`);
    for (const s of r.rollout.stages) {
      lines.push(`${cont}${s.variant}: weight ${s.currentWeight ?? '?'} -> ${s.desiredWeight ?? '?'}${s.status?.length ? `  [${s.status.join(', ')}]` : ''}`);
    }
  } else {
    lines.push(`${pad('rollout')}none in progress${r.rollout.policy ? ` (policy: ${r.rollout.policy})` : ''}`);
  }
  if (Array.isArray(r.alarms)) {
    if (r.alarms.length === 0) {
      lines.push(`${pad('alarms')}none found`);
    }
    r.alarms.forEach((a, i) => lines.push(`${i === 0 ? pad('alarms') : cont}${(a.state === 'ALARM' ? c.red : a.state === 'OK' ? c.green : c.yellow)(a.state.padEnd(17))} ${a.name}`));
  } else {
    lines.push(`${pad('alarms')}${c.yellow(`could not be read: ${r.alarms.error}`)}`);
  }
  return lines.join('\n');
}

function formatSwitch(r: SwitchResult): string {
  const what = r.changed ? `${r.endpoint} ${r.state === KillSwitchState.PAUSED ? 'paused' : 'resumed'}` : `${r.endpoint} was already ${r.state}`;
  const enforced = r.enforcedAfterSeconds !== undefined ? `; endpoint tag reflects it after ${r.enforcedAfterSeconds}s` : '; not waiting for the endpoint tag';
  return `${what} (${r.parameter}${r.version !== undefined ? ` version ${r.version}` : ''})${enforced}`;
}

function formatWatch(r: WatchResult, c: Colors): string {
  return r.outcome === 'no-rollout'
    ? `${r.endpoint}: no rollout in progress (${r.status}, serving ${r.endpointConfig})`
    : `${c.green('rollout finished')}: ${r.endpoint} is ${r.status} on ${r.endpointConfig} after ${r.seconds}s`;
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
