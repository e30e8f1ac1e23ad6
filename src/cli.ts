import yargs, { type Argv } from 'yargs';
import { COMMANDS } from './commands';
import { ExitCode, HealthlakeError } from './errors';
import { GLOBAL_OPTIONS, GLOBAL_OPTION_NAMES, type GlobalOptions } from './cli/global-options';
import { usageMessage } from './cli/usage-message';

/** The healthlake command line: global options, every command of src/commands/index.ts, and completion. */
export function buildCli(argv: string[]): Argv<GlobalOptions> {
  let cli = yargs(argv)
    .scriptName('healthlake')
    .usage(
      '$0 <command> [options]\n\nDaily health metrics into Graphite; anomaly checks into Seyren, as code.',
    )
    // Option names stay as written (`dry-run`): no camelCase twins in the arguments or in error messages.
    .parserConfiguration({ 'camel-case-expansion': false })
    .options(GLOBAL_OPTIONS);
  for (const command of COMMANDS) cli = cli.command(command);
  return cli
    .completion('completion', 'Print a bash/zsh completion script (healthlake completion >> ~/.bashrc)')
    .demandCommand(1, 'name a command')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version()
    .group(GLOBAL_OPTION_NAMES, 'Global options:')
    .wrap(Math.min(120, process.stdout.columns || 100))
    .epilog(
      'Exit codes: 0 ok, 1 failure, 2 changes pending (--dry-run --detailed-exitcode), 3 invalid input or usage, 4 missing component, 5 input skipped (collect), 6 run `healthlake auth`, 7 another collect is running.',
    )
    .fail((msg, err) => {
      // A handler's own error (or a bug) goes to reportError; only yargs' parse and validation failures
      // (YError, which also carries the message of a `coerce` that threw) are usage errors.
      if (err && err.name !== 'YError') throw err;
      // Not 2: with --detailed-exitcode, 2 means "changes pending" and a cron wrapper must not confuse the two.
      throw new HealthlakeError(
        usageMessage(msg ?? err?.message ?? 'invalid usage', argv, COMMANDS),
        ExitCode.invalidInput,
      );
    });
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildCli(argv).parseAsync();
  } catch (err) {
    process.exitCode = reportError(err);
  }
}

/** User-facing errors print their message alone; anything else is a bug and keeps its stack. */
export function reportError(err: unknown): number {
  if (err instanceof HealthlakeError) {
    console.error(`healthlake: ${err.message}`);
    return err.exitCode;
  }
  console.error('healthlake: unexpected error (please report it):');
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  return ExitCode.failure;
}
