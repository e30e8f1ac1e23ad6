import {
  carbonConf,
  statsdConf,
  storageAggregation,
  storageSchemas,
  webSettings,
} from '../../src/stack/stack-files';
import { checkPrerequisites } from '../../src/stack/prerequisites';
import { MissingComponentError } from '../../src/errors';

const settings = {
  root: '/data/stack',
  prefix: 'health',
  carbonPort: 2003,
  picklePort: 2004,
  carbonlinkPort: 7002,
  webPort: 8080,
  statsdPort: 8125,
  statsdAdminPort: 8126,
  statsdFlushMs: 1000,
};

describe('stack configuration files', () => {
  it('binds carbon to loopback only and removes every throttle that drops points', () => {
    const conf = carbonConf(settings);
    for (const iface of ['LINE_RECEIVER_INTERFACE', 'PICKLE_RECEIVER_INTERFACE', 'CACHE_QUERY_INTERFACE']) {
      expect(conf).toContain(`${iface} = 127.0.0.1`);
    }
    expect(conf).toContain('MAX_CREATES_PER_MINUTE = inf');
    expect(conf).toContain('MAX_UPDATES_PER_SECOND = inf');
    expect(conf).toContain('MAX_CACHE_SIZE = inf');
    expect(conf).toMatch(/^USER =$/m);
  });

  it('keeps the health prefix daily for ten years and statsD at its flush interval', () => {
    const schemas = storageSchemas({ ...settings, prefix: 'my.health' });
    expect(schemas).toContain('pattern = ^my\\.health\\.\nretentions = 1d:10y');
    expect(schemas).toContain('pattern = ^stats(_counts)?\\.\nretentions = 1s:6h');
    expect(storageSchemas({ ...settings, statsdFlushMs: 10000 })).toContain('retentions = 10s:6h');
    // the health section must come before the catch-all: first match wins
    expect(schemas.indexOf('healthlake_daily')).toBeLessThan(schemas.indexOf('[default]'));
  });

  it('aggregates gauges and daily values with last and xFilesFactor 0', () => {
    expect(storageAggregation(settings)).toContain(
      'pattern = (^stats\\.gauges\\.|^health\\.)\nxFilesFactor = 0\naggregationMethod = last',
    );
  });

  it('turns on graphite-web input validation and points carbonlink at the cache query port', () => {
    const web = webSettings(settings);
    expect(web).toContain('ENFORCE_INPUT_VALIDATION = True');
    expect(web).toContain("CARBONLINK_HOSTS = ['127.0.0.1:7002']");
    expect(web).toContain("WHISPER_DIR = '/data/stack/whisper'");
  });

  it('sends statsD to our carbon with the non-legacy namespace', () => {
    expect(JSON.parse(statsdConf(settings))).toMatchObject({
      graphitePort: 2003,
      address: '127.0.0.1',
      port: 8125,
      mgmt_port: 8126,
      flushInterval: 1000,
      graphite: { legacyNamespace: false },
    });
  });
});

describe('prerequisites', () => {
  it('names the missing Debian packages and the exact apt-get line', () => {
    const err = (() => {
      try {
        checkPrerequisites((p) => !p.includes('gunicorn') && !p.includes('carbon'));
      } catch (e) {
        return e as MissingComponentError;
      }
      throw new Error('expected an error');
    })();
    expect(err).toBeInstanceOf(MissingComponentError);
    expect(err.exitCode).toBe(4);
    expect(err.message).toContain(
      'Missing Debian packages for the local Graphite stack: graphite-carbon, gunicorn.',
    );
    expect(err.message).toContain('`npm run setup` in the healthlake folder, or as root:');
    expect(err.message).toContain(
      'apt-get update && apt-get install -y --no-install-recommends graphite-carbon graphite-web gunicorn',
    );
  });

  it('passes when everything is installed', () => {
    expect(checkPrerequisites(() => true).statsdMain).toMatch(/statsd\/stats\.js$/);
  });
});
