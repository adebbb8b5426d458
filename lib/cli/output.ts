/**
 * Where the CLI's text goes. With `--json`: one JSON document on stdout (the result or the error), nothing
 * else. Otherwise: the result on stdout, progress on stderr (a spinner on a terminal, plain lines elsewhere),
 * errors on stderr. The text itself comes from `format.ts`.
 */
import { createSpinner } from 'nanospinner';
import { CliError } from './errors';
import { colors, Colors, formatError, formatErrorJson, formatJson } from './format';

/** The streams the CLI writes to, and what they can show. */
export interface Terminal {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Show a spinner on stderr (a terminal, and not --json). */
  readonly interactive: boolean;
  readonly color: boolean;
}

/** Progress of a command that waits: updated as it goes, then done, well or not. */
export interface Progress {
  readonly update: (text: string) => void;
  readonly done: (ok: boolean, text?: string) => void;
}

/** The output of one run of the CLI, in JSON (`--json`) or for a person. */
export class Output {
  public readonly colors: Colors;

  constructor(private readonly terminal: Terminal, private readonly json: boolean) {
    this.colors = colors(terminal.color);
  }

  /** A command's result: its JSON with `--json`, else its human form. */
  public result(value: object, human: string): void {
    this.terminal.stdout(`${this.json ? formatJson(value) : human}\n`);
  }

  /** A result after progress: on a terminal the spinner ends with it; elsewhere it is printed as `result` does. */
  public resultAfter(progress: Progress, value: object, human: string): void {
    progress.done(true, human);
    if (this.json || !this.terminal.interactive) {
      this.result(value, human);
    }
  }

  /** A progress line on stdout, for commands whose progress is their output; nothing with `--json`. */
  public line(text: string): void {
    if (!this.json) {
      this.terminal.stdout(`${text}\n`);
    }
  }

  /** Progress on stderr: a spinner on a terminal, one line per update elsewhere, nothing with `--json`. */
  public progress(): Progress {
    if (this.json) {
      return { update: () => undefined, done: () => undefined };
    }
    if (this.terminal.interactive) {
      const spinner = createSpinner('', { stream: process.stderr });
      return {
        update: (t: string) => (spinner.isSpinning() ? spinner.update({ text: t }) : spinner.start({ text: t })),
        done: (ok: boolean, t?: string) => (ok ? spinner.success({ text: t }) : spinner.error({ text: t })),
      };
    }
    return { update: (t: string) => this.terminal.stderr(`${t}\n`), done: () => undefined };
  }

  /** An error: as JSON on stdout with `--json` (scripts read one document), else on stderr. */
  public error(e: CliError): void {
    if (this.json) {
      this.terminal.stdout(`${formatErrorJson(e)}\n`);
    } else {
      this.terminal.stderr(`${formatError(e, this.colors)}\n`);
    }
  }
}
