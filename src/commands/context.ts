import { ExitCode, HealthlakeError } from '../errors';
import { loadConfig, type Config } from '../config/config';
import { createLogger, type Logger } from '../util/log';
import type { GlobalOptions } from '../cli';

/** What every command handler starts from: the merged configuration and a logger. */
export interface CommandContext {
  config: Config;
  log: Logger;
}

export function commandContext(argv: GlobalOptions): CommandContext {
  return { config: loadConfig({ file: argv.config }), log: createLogger(argv['log-level']) };
}

/** SEYREN_URL, or a usage error that says how to set it (nothing can be read from Seyren without it). */
export function requireSeyrenUrl(config: Config): string {
  if (!config.seyrenUrl) {
    throw new HealthlakeError(
      'SEYREN_URL is not set (environment or config file), e.g. http://localhost:8080/seyren',
      ExitCode.invalidInput,
    );
  }
  return config.seyrenUrl;
}
