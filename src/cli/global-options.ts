import type { Options } from 'yargs';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from '../util/log';

/**
 * Options every command accepts. A leaf module: commands and the context import it, it imports no command.
 * Their values win over the environment and the config file (HEALTHLAKE_LOG_LEVEL, HEALTHLAKE_LOG_FORMAT).
 */
export interface GlobalOptions {
  config?: string;
  'log-level'?: LogLevel;
  'log-format'?: LogFormat;
}

export const GLOBAL_OPTIONS = {
  config: {
    type: 'string',
    requiresArg: true,
    describe: 'YAML config file with the same names as the environment variables (env wins)',
    defaultDescription: '$HEALTHLAKE_CONFIG or ~/.config/healthlake/config.yaml',
  },
  'log-level': {
    type: 'string',
    requiresArg: true,
    choices: LOG_LEVELS,
    describe: 'Log level of the logs on stderr',
    defaultDescription: '$HEALTHLAKE_LOG_LEVEL, else info (json) or warn (text)',
  },
  'log-format': {
    type: 'string',
    requiresArg: true,
    choices: LOG_FORMATS,
    describe: 'Logs on stderr as short lines for people (text) or one JSON object per line (json)',
    defaultDescription: 'text on a terminal, json otherwise (cron)',
  },
} as const satisfies Record<keyof GlobalOptions, Options>;

/** Listed under "Global options:" in every --help, after the command's own options. */
export const GLOBAL_OPTION_NAMES = [...Object.keys(GLOBAL_OPTIONS), 'help', 'version'];
