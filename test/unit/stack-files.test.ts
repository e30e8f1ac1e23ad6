import {
  carbonConf,
  statsdConf,
  storageAggregation,
  storageSchemas,
  webSettings,
} from '../../src/stack/stack-files';
import { checkPrerequisites } from '../../src/stack/prerequisites';
import { MissingComponentError } from '../../src/errors';
import {
  allStackFiles,
  clusterNodePorts,
  frontWebSettings,
  nodeSettings,
  relayArgs,
  relayConf,
} from '../../src/stack/cluster-files';
import { stackComponents } from '../../src/stack/components';
import type { StackSettings } from '../../src/stack/stack-files';

const settings: StackSettings = {
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

const cluster: StackSettings = { ...settings, nodes: clusterNodePorts(2100, 3) };

describe('cluster stack layout', () => {
  it('gives node k the ports base+10k .. base+10k+3', () => {
    expect(clusterNodePorts(2100, 2)).toEqual([
      { carbonPort: 2110, picklePort: 2111, carbonlinkPort: 2112, webPort: 2113 },
      { carbonPort: 2120, picklePort: 2121, carbonlinkPort: 2122, webPort: 2123 },
    ]);
  });

  it('lays node k out like a single-node stack under nodes/<k>, its graphite-web reading its own cache', () => {
    const files = allStackFiles(cluster);
    expect(Object.keys(files).sort()).toEqual(
      [
        '/data/stack/conf/healthlake_graphite_settings.py',
        '/data/stack/conf/relay.conf',
        '/data/stack/conf/statsd.json',
        ...[1, 2, 3].flatMap((k) =>
          [
            'carbon.conf',
            'healthlake_graphite_settings.py',
            'storage-aggregation.conf',
            'storage-schemas.conf',
          ].map((f) => `/data/stack/nodes/${k}/conf/${f}`),
        ),
      ].sort(),
    );
    expect(files['/data/stack/nodes/2/conf/carbon.conf']).toContain('LINE_RECEIVER_PORT = 2120');
    expect(files['/data/stack/nodes/2/conf/carbon.conf']).toContain(
      'LOCAL_DATA_DIR = /data/stack/nodes/2/whisper/',
    );
    expect(files['/data/stack/nodes/2/conf/healthlake_graphite_settings.py']).toContain(
      "CARBONLINK_HOSTS = ['127.0.0.1:2122']",
    );
    expect(nodeSettings(cluster, 3)).toMatchObject({
      root: '/data/stack/nodes/3',
      webPort: 2133,
      nodes: undefined,
    });
  });

  it('points statsD at the relay, so that its gauges are spread like everything else', () => {
    expect(JSON.parse(allStackFiles(cluster)['/data/stack/conf/statsd.json']!)).toMatchObject({
      graphitePort: 2003,
    });
  });

  it('hashes over the caches with fnv1a_ch, replication 1, keyed by node so that ports may change', () => {
    const conf = relayConf(cluster);
    expect(conf).toContain('        127.0.0.1:2003 proto tcp');
    expect(conf).toContain(
      '    fnv1a_ch replication 1\n' +
        '        127.0.0.1:2110=healthlake-node-1\n' +
        '        127.0.0.1:2120=healthlake-node-2\n' +
        '        127.0.0.1:2130=healthlake-node-3\n    ;',
    );
    // queue, not fail over to another node
    expect(conf).not.toMatch(/^\s*fnv1a_ch.*dynamic/m);
    expect(relayArgs(cluster).join(' ')).toBe(
      '-f /data/stack/conf/relay.conf -s -w 1 -q 25000 -b 2500 -T 2000',
    );
    // the send batch must stay below the queue, or the relay refuses to start
    expect(relayArgs({ ...cluster, relayQueueSize: 50 }).join(' ')).toContain('-q 50 -b 25');
  });

  it('makes the front federate the node webs, asking every node every time', () => {
    const front = frontWebSettings(cluster);
    expect(front).toContain("CLUSTER_SERVERS = ['127.0.0.1:2113', '127.0.0.1:2123', '127.0.0.1:2133']");
    expect(front).toContain("STORAGE_FINDERS = ('graphite.finders.remote.RemoteFinder',)");
    expect(front).toContain('REMOTE_RETRY_DELAY = 0.0');
    expect(front).toContain('STORE_FAIL_ON_ERROR = False');
    expect(front).not.toContain('WHISPER_DIR');
  });

  it('has every daemon once, in start order, and stops statsD first and the caches last', () => {
    const components = stackComponents(cluster);
    expect(components.map((c) => c.name)).toEqual([
      ...[1, 2, 3].flatMap((k) => [`carbon-${k}`, `graphite-web-${k}`]),
      'relay',
      'graphite-web',
      'statsd',
    ]);
    const tier = (name: string) => components.find((c) => c.name === name)!.stopTier;
    expect(tier('statsd')).toBeLessThan(tier('relay'));
    expect(tier('relay')).toBeLessThan(tier('carbon-1'));
    // cmdline markers must not match each other's processes
    const markers = components.map((c) => c.daemon.cmdlineMarker);
    for (const c of components)
      expect(
        markers.filter((mk) => c.daemon.args.join(' ').includes(mk) || c.daemon.cmdlineMarker === mk),
      ).toEqual([c.daemon.cmdlineMarker]);
  });

  it('keeps the single-node stack as it was', () => {
    expect(stackComponents(settings).map((c) => [c.name, c.endpoint])).toEqual([
      ['carbon', 'tcp://127.0.0.1:2003 (plaintext)'],
      ['graphite-web', 'http://127.0.0.1:8080'],
      ['statsd', 'udp://127.0.0.1:8125 (admin tcp 8126)'],
    ]);
    expect(Object.keys(allStackFiles(settings))).not.toContain('/data/stack/conf/relay.conf');
  });
});

describe('prerequisites of a cluster', () => {
  const missingRelay = (p: string) => !p.includes('carbon-c-relay');
  it('need carbon-c-relay, and say how to install it', () => {
    expect(() => checkPrerequisites(missingRelay, { cluster: true })).toThrow(MissingComponentError);
    expect(() => checkPrerequisites(missingRelay, { cluster: true })).toThrow(
      /Missing Debian packages for the local Graphite stack: carbon-c-relay\.\n[^]*install -y --no-install-recommends graphite-carbon graphite-web gunicorn carbon-c-relay/,
    );
  });
  it('a single node does not', () => {
    expect(checkPrerequisites(missingRelay).statsdMain).toMatch(/stats\.js$/);
  });
});
