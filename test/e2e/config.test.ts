import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONFIG_KEYS } from '../../src/config/config';
import { runCli } from '../support/run-cli';

// `healthlake config` shows every setting the loader reads (one list of keys), each with its effective value
// and source, secrets only as "(set)"; and a config file may hold any of them, HEALTHLAKE_LOG_LEVEL included.

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-e2e-config-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Row {
  key: string;
  value: string | number | null;
  source: string;
}

it('shows every setting, the ones users missed included, with value and source; secrets as (set)', async () => {
  const env = {
    HOME: dir,
    // runCli points carbon at a closed port; an empty variable counts as unset, so the default shows
    CARBON_PORT: '',
    SEYREN_URL: 'http://seyren.example:8080/seyren',
    SEYREN_USER: 'ops',
    SEYREN_PASSWORD: 'S3CRET-PASSWORD',
    GRAPHITE_USER: 'viewer',
    GOOGLE_HEALTH_API_URL: 'http://health.example/v4',
    HEALTHLAKE_STACK_PICKLE_PORT: '12004',
    HEALTHLAKE_STACK_CARBONLINK_PORT: '12002',
    HEALTHLAKE_STACK_STATSD_ADMIN_PORT: '12126',
    HEALTHLAKE_STATSD_FLUSH_MS: '500',
    HEALTHLAKE_LOG_FORMAT: 'json',
  };
  const json = await runCli(['config', '--json'], env);
  expect(json.code).toBe(0);
  const rows = (JSON.parse(json.stdout) as { values: Row[] }).values;
  expect(rows.map((r) => r.key)).toEqual(CONFIG_KEYS);
  const byKey = new Map(rows.map((r) => [r.key, r]));
  expect(byKey.get('SEYREN_USER')).toMatchObject({ value: 'ops', source: 'env' });
  expect(byKey.get('SEYREN_PASSWORD')).toMatchObject({ value: '(set)', source: 'env' });
  expect(byKey.get('GRAPHITE_USER')).toMatchObject({ value: 'viewer', source: 'env' });
  expect(byKey.get('GOOGLE_HEALTH_API_URL')).toMatchObject({
    value: 'http://health.example/v4',
    source: 'env',
  });
  expect(byKey.get('HEALTHLAKE_STACK_PICKLE_PORT')).toMatchObject({ value: 12004, source: 'env' });
  expect(byKey.get('HEALTHLAKE_STACK_CARBONLINK_PORT')).toMatchObject({ value: 12002, source: 'env' });
  expect(byKey.get('HEALTHLAKE_STACK_STATSD_ADMIN_PORT')).toMatchObject({ value: 12126, source: 'env' });
  expect(byKey.get('HEALTHLAKE_STATSD_FLUSH_MS')).toMatchObject({ value: 500, source: 'env' });
  expect(byKey.get('HEALTHLAKE_LOG_LEVEL')).toMatchObject({ value: 'warn', source: 'env' });
  expect(byKey.get('HEALTHLAKE_LOG_FORMAT')).toMatchObject({ value: 'json', source: 'env' });
  // derived defaults are shown as the values in effect
  expect(byKey.get('CARBON_PORT')).toMatchObject({ value: 2003, source: 'default' });
  expect(byKey.get('HEALTHLAKE_DATA_DIR')).toMatchObject({
    value: path.join(dir, '.local', 'share', 'healthlake'),
    source: 'default',
  });

  const text = await runCli(['config'], env);
  for (const key of CONFIG_KEYS) expect(text.stdout).toMatch(new RegExp(`^${key} `, 'm'));
  expect(text.stdout).toMatch(/^SEYREN_USER +ops +env$/m);
  expect(text.stdout).toMatch(/^SEYREN_PASSWORD +\(set\) +env$/m);
  expect(json.stdout + text.stdout).not.toContain('S3CRET-PASSWORD');
});

it('a config file may set HEALTHLAKE_LOG_LEVEL, and the commands follow it', async () => {
  const file = path.join(dir, 'config.yaml');
  fs.writeFileSync(file, 'HEALTHLAKE_LOG_LEVEL: info\nHEALTHLAKE_PREFIX: me.health\n');
  // the test runner sets HEALTHLAKE_LOG_LEVEL=warn; an empty variable counts as unset, so the file decides
  const env = { HOME: dir, HEALTHLAKE_CONFIG: file, HEALTHLAKE_LOG_LEVEL: '' };
  const shown = await runCli(['config', '--json'], env);
  expect(shown.code).toBe(0);
  expect((JSON.parse(shown.stdout) as { values: Row[] }).values).toEqual(
    expect.arrayContaining([
      { key: 'HEALTHLAKE_LOG_LEVEL', value: 'info', source: 'file', describe: expect.any(String) },
    ]),
  );
  const rendered = await runCli(['render-checks', '--checks', path.resolve(__dirname, '../../checks')], env);
  expect(rendered.code).toBe(0);
  expect(rendered.stdout).toContain('healthlake:cv:me.health.steps');
  const messages = rendered.stderr
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { msg: string }).msg);
  expect(messages).toContain('render-checks: definitions are valid'); // an info record: the file's level

  fs.writeFileSync(file, 'HEALTHLAKE_LOG_LEVEL: loud\n');
  const bad = await runCli(['config'], env);
  expect({ code: bad.code, stderr: bad.stderr }).toEqual({
    code: 3,
    stderr: `healthlake: ${file}: HEALTHLAKE_LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent, got "loud"\n`,
  });
});
