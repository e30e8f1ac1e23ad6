import { CONFIG_KEYS, SECRET_KEYS, describeSetting } from '../config/config';
import { defineCommand } from '../cli/define-command';
import { jsonOption } from '../cli/options';

/** Shows every setting (the loader's own list), its effective value and where it came from; secrets as set/unset. */
export const configCommand = defineCommand({
  command: 'config',
  describe:
    'Show every setting: its effective value (environment over config file over defaults), secrets hidden',
  options: { json: jsonOption() },
  handler: (args, { config }) => {
    const rows = CONFIG_KEYS.map((key) => {
      const source = config.sources[key];
      const raw = config.values[key];
      const value = SECRET_KEYS.has(key) ? (source === 'default' ? undefined : '(set)') : raw;
      return { key, value: value ?? null, source, describe: describeSetting(key) };
    });
    if (args.json) {
      console.log(JSON.stringify({ file: config.file ?? null, values: rows }, null, 2));
      return;
    }
    console.log(`config file: ${config.file ?? '(none)'}`);
    const width = Math.max(...rows.map((r) => r.key.length));
    for (const r of rows)
      console.log(`${r.key.padEnd(width)}  ${String(r.value ?? '-').padEnd(40)} ${r.source}`);
  },
});
