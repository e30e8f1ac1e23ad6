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
