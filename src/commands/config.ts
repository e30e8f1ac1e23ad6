import type { Argv, CommandModule } from 'yargs';
import { CONFIG_KEYS, SECRET_KEYS, loadConfig } from '../config/config';
import type { GlobalOptions } from '../cli';

interface ConfigArgs extends GlobalOptions {
  json: boolean;
}

/** Shows the effective configuration and where each value came from; secrets are shown as set/unset only. */
export const configCommand: CommandModule<GlobalOptions, ConfigArgs> = {
  command: 'config',
  describe: 'Show the effective configuration (environment over config file over defaults); secrets hidden',
  builder: (y: Argv<GlobalOptions>) =>
    y.option('json', { type: 'boolean', default: false, describe: 'Print as JSON' }) as Argv<ConfigArgs>,
  handler: (argv) => {
    const config = loadConfig({ file: argv.config });
    const effective: Record<string, string | number | undefined> = {
      SEYREN_URL: config.seyrenUrl,
      GRAPHITE_URL: config.graphiteUrl,
      CARBON_HOST: config.carbon.host,
      CARBON_PORT: config.carbon.port,
      STATSD_HOST: config.statsd.host,
      STATSD_PORT: config.statsd.port,
      HEALTHLAKE_PREFIX: config.prefix,
      HEALTHLAKE_DATA_DIR: config.dataDir,
      GOOGLE_CLIENT_ID: config.google.clientId,
      HEALTHLAKE_CARBON_TIMEOUT_MS: config.carbon.timeoutMs,
      HEALTHLAKE_VERIFY_WAIT_MS: config.verify.waitMs,
      HEALTHLAKE_VERIFY_POLL_MS: config.verify.pollMs,
    };
    const rows = CONFIG_KEYS.filter((k) => k in effective || SECRET_KEYS.has(k)).map((key) => {
      const value = SECRET_KEYS.has(key)
        ? config.sources[key] === 'default'
          ? undefined
          : '(set)'
        : effective[key];
      return { key, value: value ?? null, source: config.sources[key] };
    });
    if (argv.json) console.log(JSON.stringify({ file: config.file ?? null, values: rows }, null, 2));
    else {
      console.log(`config file: ${config.file ?? '(none)'}`);
      for (const r of rows)
        console.log(`${r.key.padEnd(22)} ${String(r.value ?? '-').padEnd(40)} ${r.source}`);
    }
  },
};
