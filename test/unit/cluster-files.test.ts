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
import { checkPrerequisites } from '../../src/stack/prerequisites';
import type { StackSettings } from '../../src/stack/stack-files';

const single: StackSettings = {
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
const cluster: StackSettings = { ...single, nodes: clusterNodePorts(2100, 3) };

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
      'carbon-1',
      'graphite-web-1',
      'carbon-2',
      'graphite-web-2',
      'carbon-3',
      'graphite-web-3',
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
    expect(stackComponents(single).map((c) => [c.name, c.endpoint])).toEqual([
      ['carbon', 'tcp://127.0.0.1:2003 (plaintext)'],
      ['graphite-web', 'http://127.0.0.1:8080'],
      ['statsd', 'udp://127.0.0.1:8125 (admin tcp 8126)'],
    ]);
    expect(Object.keys(allStackFiles(single))).not.toContain('/data/stack/conf/relay.conf');
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
