import type { HealthlakeCommand } from '../cli/define-command';
import { alertsCommand } from './alerts';
import { authCommand } from './auth';
import { backtestCommand } from './backtest';
import { collectCommand } from './collect';
import { configCommand } from './config';
import { dashboardCommand } from './dashboard';
import { provisionChecksCommand } from './provision-checks';
import { renderChecksCommand } from './render-checks';
import { replayCommand } from './replay';
import { stackCommand } from './stack';
import { statusCommand } from './status';
import { testChecksCommand } from './test-checks';

/**
 * Every command, in the order `healthlake --help` lists them. A new command is a file in this folder built with
 * defineCommand (see src/cli/define-command.ts and docs/commands.md) and one line here.
 */
export const COMMANDS: readonly HealthlakeCommand[] = [
  collectCommand,
  replayCommand,
  stackCommand,
  provisionChecksCommand,
  renderChecksCommand,
  testChecksCommand,
  backtestCommand,
  statusCommand,
  alertsCommand,
  dashboardCommand,
  authCommand,
  configCommand,
];
