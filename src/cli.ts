import yargs, { type Argv } from 'yargs';
import { ExitCode, HealthlakeError } from './errors';
import { stackCommand } from './commands/stack';
import { collectCommand } from './commands/collect';
import { replayCommand } from './commands/replay';
import { dashboardCommand } from './commands/dashboard';
import { testChecksCommand } from './commands/test-checks';
import { backtestCommand } from './commands/backtest';
import { configCommand } from './commands/config';
import { authCommand } from './commands/auth';
import { renderChecksCommand } from './commands/render-checks';
import { provisionChecksCommand } from './commands/provision-checks';
import { statusCommand } from './commands/status';
import { alertsCommand } from './commands/alerts';

/** Options every command accepts. */
export interface GlobalOptions {
  config?: string;
  'log-level': string;
}

export function buildCli(argv: string[]): Argv<GlobalOptions> {
  return yargs(argv)
    .scriptName('healthlake')
    .usage(
      '$0 <command> [options]\n\nDaily health metrics into Graphite; anomaly checks into Seyren, as code.',
    )
    .option('config', {
      type: 'string',
      describe: 'YAML config file with the same names as the environment variables (env wins)',
      defaultDescription: '$HEALTHLAKE_CONFIG or ~/.config/healthlake/config.yaml',
    })
    .option('log-level', {
      type: 'string',
      choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      default: process.env.HEALTHLAKE_LOG_LEVEL ?? 'info',
      describe: 'Log level of the structured (JSON) logs on stderr',
    })
    .command(collectCommand)
    .command(replayCommand)
    .command(stackCommand)
    .command(provisionChecksCommand)
    .command(renderChecksCommand)
    .command(statusCommand)
    .command(alertsCommand)
    .command(testChecksCommand)
    .command(backtestCommand)
    .command(dashboardCommand)
    .command(authCommand)
    .command(configCommand)
    .demandCommand(1, 'Name a command; see --help.')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(120, process.stdout.columns || 100))
    .epilog(
      'Exit codes: 0 ok, 1 failure, 2 changes pending (--dry-run --detailed-exitcode), 3 invalid input or usage, 4 missing component, 5 input skipped (collect), 6 run `healthlake auth`, 7 another collect is running; status: 10 a check WARN, 11 a check ERROR, 12 a check UNKNOWN, missing or stale.',
    )
    .fail((msg, err) => {
      if (err) throw err;
      console.error(`${msg}\nRun "healthlake --help" for usage.`);
      // Not 2: with --detailed-exitcode, 2 means "changes pending" and a cron wrapper must not confuse the two.
      process.exit(ExitCode.invalidInput);
    }) as Argv<GlobalOptions>;
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
