import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../errors';
import { loadConfig } from './config';

describe('loadConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'healthlake-config-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (text: string) => {
    const file = path.join(dir, 'config.yaml');
    fs.writeFileSync(file, text);
    return file;
  };

  it('uses defaults when nothing is set', () => {
    const c = loadConfig({ env: { HOME: dir } });
    expect(c.graphiteUrl).toBe('http://127.0.0.1:8080');
    expect(c.carbon).toEqual({ host: '127.0.0.1', port: 2003, timeoutMs: 30000 });
    expect(c.verify).toEqual({ waitMs: 60000, pollMs: 500 });
    expect(c.statsd).toEqual({ host: '127.0.0.1', port: 8125, flushIntervalMs: 1000 });
    expect(c.prefix).toBe('health');
    expect(c.dataDir).toBe(path.join(dir, '.local', 'share', 'healthlake'));
    expect(c.stack).toEqual({
      picklePort: 2004,
      carbonlinkPort: 7002,
      statsdAdminPort: 8126,
      webPort: 8080,
      nodeBasePort: 2100,
    });
  });

  it('reads the file and lets the environment win, key by key', () => {
    const file = write(
      'GRAPHITE_URL: http://graphite.example:8000/\nCARBON_PORT: 2103\nHEALTHLAKE_PREFIX: me.health\n',
    );
    const c = loadConfig({
      file,
      env: { HOME: dir, CARBON_PORT: '2203', SEYREN_URL: 'http://s:8080/seyren' },
    });
    expect(c.graphiteUrl).toBe('http://graphite.example:8000');
    expect(c.carbon.port).toBe(2203);
    expect(c.prefix).toBe('me.health');
    expect(c.seyrenUrl).toBe('http://s:8080/seyren');
    expect(c.sources).toMatchObject({
      GRAPHITE_URL: 'file',
      CARBON_PORT: 'env',
      SEYREN_URL: 'env',
      STATSD_PORT: 'default',
    });
  });

  it('reads the delivery timeouts from the file or the environment, and refuses nonsense', () => {
    const file = write('HEALTHLAKE_CARBON_TIMEOUT_MS: 5000\nHEALTHLAKE_VERIFY_WAIT_MS: 120000\n');
    const c = loadConfig({ file, env: { HOME: dir, HEALTHLAKE_VERIFY_POLL_MS: '250' } });
    expect(c.carbon.timeoutMs).toBe(5000);
    expect(c.verify).toEqual({ waitMs: 120000, pollMs: 250 });
    expect(() => loadConfig({ env: { HOME: dir, HEALTHLAKE_CARBON_TIMEOUT_MS: '0' } })).toThrow(
      /HEALTHLAKE_CARBON_TIMEOUT_MS: must be a whole number of milliseconds, at least 100, got "0"/,
    );
  });

  it('names the file and the field of a bad value', () => {
    const file = write('CARBON_PORT: seventy\n');
    expect(() => loadConfig({ file, env: { HOME: dir } })).toThrow(InputError);
    // What is allowed and what was given; never a zod message such as "Expected number, received nan".
    expect(() => loadConfig({ file, env: { HOME: dir } })).toThrow(
      `${file}: CARBON_PORT: must be a port number from 1 to 65535, got "seventy"`,
    );
  });

  it('refuses a user or password in a URL, and never shows them in the error', () => {
    let message = '';
    try {
      loadConfig({
        env: {
          HOME: dir,
          SEYREN_URL: 'http://ops:hunter2@seyren:8080/seyren',
          GRAPHITE_CLUSTER_URLS: 'http://node1:8080,http://ops:s3cret@node2:8080',
        },
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('SEYREN_URL: must not hold a user or password');
    expect(message).toContain('got "http://***@seyren:8080/seyren"');
    expect(message).toContain('got "http://node1:8080,http://***@node2:8080"');
    expect(message).not.toMatch(/hunter2|s3cret|ops:/);
  });

  it('rejects an unknown name and an illegal prefix', () => {
    expect(() => loadConfig({ file: write('GRAFITE_URL: x\n'), env: { HOME: dir } })).toThrow(
      /GRAFITE_URL: unknown configuration name/,
    );
    expect(() => loadConfig({ env: { HOME: dir, HEALTHLAKE_PREFIX: 'health)' } })).toThrow(
      'environment: HEALTHLAKE_PREFIX: must be dot-separated letters, digits, _ or -',
    );
  });

  it('reports malformed YAML with its line', () => {
    const file = write('GRAPHITE_URL: http://x\n  CARBON_PORT: 1\n');
    expect(() => loadConfig({ file, env: { HOME: dir } })).toThrow(new RegExp(`${file}:2: not valid YAML`));
  });

  it('fails for an explicit config file that does not exist, but not for the default one', () => {
    expect(() => loadConfig({ file: path.join(dir, 'nope.yaml'), env: { HOME: dir } })).toThrow(
      /cannot read config file/,
    );
    expect(() => loadConfig({ env: { HOME: dir } })).not.toThrow();
  });

  it('parses proxy auth as a header or as user and password', () => {
    expect(loadConfig({ env: { HOME: dir, SEYREN_AUTH_HEADER: 'X-Api-Key: abc' } }).seyrenAuth).toEqual({
      header: 'X-Api-Key',
      value: 'abc',
    });
    expect(
      loadConfig({ env: { HOME: dir, GRAPHITE_USER: 'u', GRAPHITE_PASSWORD: 'p' } }).graphiteAuth,
    ).toEqual({
      username: 'u',
      password: 'p',
    });
  });
});
