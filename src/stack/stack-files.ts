/**
 * The configuration files of the local Graphite + statsD stack, as pure functions of its settings.
 * Everything lives under one root folder, so the stack never touches /etc or another user's Graphite.
 */

/** The ports of one storage node of a cluster stack: its carbon-cache and its own graphite-web. */
export interface StorageNodePorts {
  carbonPort: number;
  picklePort: number;
  carbonlinkPort: number;
  webPort: number;
}

export interface StackSettings {
  /** Folder holding conf/, whisper/, log/, run/ and graphite.db (a cluster: also nodes/<k>/ per node). */
  root: string;
  /** Metric prefix of the collector's daily metrics (HEALTHLAKE_PREFIX). */
  prefix: string;
  carbonPort: number;
  picklePort: number;
  carbonlinkPort: number;
  webPort: number;
  statsdPort: number;
  statsdAdminPort: number;
  statsdFlushMs: number;
  /**
   * Two or more: a cluster (src/stack/cluster-files.ts). carbonPort is then carbon-c-relay's plaintext port and
   * webPort the front graphite-web's; picklePort and carbonlinkPort are unused. Absent or one: a single node.
   */
  nodes?: StorageNodePorts[];
  /** carbon-c-relay's queue per cache (-q), in metrics; RELAY_QUEUE_SIZE when absent. */
  relayQueueSize?: number;
}

export const GRAPHITE_SETTINGS_MODULE = 'healthlake_graphite_settings';

export function stackPaths(root: string) {
  return {
    root,
    conf: `${root}/conf`,
    whisper: `${root}/whisper`,
    log: `${root}/log`,
    run: `${root}/run`,
    db: `${root}/graphite.db`,
    carbonConf: `${root}/conf/carbon.conf`,
    schemas: `${root}/conf/storage-schemas.conf`,
    aggregation: `${root}/conf/storage-aggregation.conf`,
    webSettings: `${root}/conf/${GRAPHITE_SETTINGS_MODULE}.py`,
    statsdConf: `${root}/conf/statsd.json`,
    /** twistd's own pidfile: removed before each start because a stale one blocks a restart. */
    carbonTwistdPid: `${root}/run/carbon-cache-a.pid`,
  };
}

function regexEscape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** carbon.conf: our own, because Debian's binds 0.0.0.0, runs as _graphite and throttles creates to 50/min. */
export function carbonConf(s: StackSettings): string {
  const p = stackPaths(s.root);
  return `# Written by healthlake stack; edits are overwritten on the next "stack up".
[cache]
STORAGE_DIR = ${p.root}/
LOCAL_DATA_DIR = ${p.whisper}/
WHITELISTS_DIR = ${p.conf}/
CONF_DIR = ${p.conf}/
LOG_DIR = ${p.log}/
PID_DIR = ${p.run}/
USER =
ENABLE_LOGROTATION = False
ENABLE_TAGS = False
# Debian ships MAX_CREATES_PER_MINUTE = 50: points of the 51st new metric in a minute are silently dropped.
# A first collect creates one file per metric, so no throttle at all (and no cache limit, which would stop
# carbon from reading its sockets).
MAX_CACHE_SIZE = inf
MAX_UPDATES_PER_SECOND = inf
MAX_CREATES_PER_MINUTE = inf
LINE_RECEIVER_INTERFACE = 127.0.0.1
LINE_RECEIVER_PORT = ${s.carbonPort}
ENABLE_UDP_LISTENER = False
PICKLE_RECEIVER_INTERFACE = 127.0.0.1
PICKLE_RECEIVER_PORT = ${s.picklePort}
CACHE_QUERY_INTERFACE = 127.0.0.1
CACHE_QUERY_PORT = ${s.carbonlinkPort}
LOG_UPDATES = False
LOG_CACHE_HITS = False
LOG_CACHE_QUEUE_SORTS = False
LOG_LISTENER_CONN_SUCCESS = False
`;
}

/** Seconds of statsD's flush interval, as a whisper retention unit. */
function flushStep(s: StackSettings): string {
  return `${Math.max(1, Math.round(s.statsdFlushMs / 1000))}s`;
}

/**
 * First match wins, and a schema is read only when a .wsp file is created.
 * - The health prefix holds one point per day for ten years. In a minute-resolution file a daily point is
 *   read back at the archive's step, and movingAverage(X,10) then averages 10 hours, not 10 days.
 * - statsD stamps each point with its flush time; a finer or coarser first step than the flush interval
 *   makes flushes overwrite each other's slot.
 */
export function storageSchemas(s: StackSettings): string {
  return `# Written by healthlake stack. First match wins; applies only when a metric's file is created.
[carbon]
pattern = ^carbon\\.
retentions = 60s:1d

[healthlake_daily]
pattern = ^${regexEscape(s.prefix)}\\.
retentions = 1d:10y

[statsd]
pattern = ^stats(_counts)?\\.
retentions = ${flushStep(s)}:6h,1m:7d,10m:1y

[default]
pattern = .*
retentions = 10s:1d,1m:30d
`;
}

/** Gauges and daily values keep their last value when rolled up; xFilesFactor 0 keeps sparse data visible. */
export function storageAggregation(s: StackSettings): string {
  return `# Written by healthlake stack.
[gauges]
pattern = (^stats\\.gauges\\.|^${regexEscape(s.prefix)}\\.)
xFilesFactor = 0
aggregationMethod = last

[counts]
pattern = (\\.count$|^stats_counts\\.)
xFilesFactor = 0
aggregationMethod = sum

[default]
pattern = .*
xFilesFactor = 0
aggregationMethod = average
`;
}

/** graphite-web settings module of a storage node: it reads its own whisper files and its carbon's cache. */
export function webSettings(s: StackSettings): string {
  const p = stackPaths(s.root);
  return graphiteWebSettingsModule(s.root, [
    `WHISPER_DIR = '${p.whisper}'`,
    `STANDARD_DIRS = ['${p.whisper}']`,
    `CARBONLINK_HOSTS = ['127.0.0.1:${s.carbonlinkPort}']`,
  ]);
}

/**
 * A graphite-web settings module with our common choices around `storageLines` (where its data comes from).
 * ENFORCE_INPUT_VALIDATION turns "unknown token" into real error texts.
 */
export function graphiteWebSettingsModule(root: string, storageLines: string[]): string {
  const p = stackPaths(root);
  return `# Written by healthlake stack.
SECRET_KEY = 'healthlake-local-stack'
TIME_ZONE = 'UTC'
ALLOWED_HOSTS = ['*']
STORAGE_DIR = '${p.root}'
${storageLines.join('\n')}
LOG_DIR = '${p.log}'
INDEX_FILE = '${p.root}/index'
STATIC_ROOT = '/usr/share/graphite-web/static'
DEFAULT_XFILES_FACTOR = 0
ENFORCE_INPUT_VALIDATION = True
LOG_ROTATION = False
LOG_RENDERING_PERFORMANCE = False
LOG_CACHE_PERFORMANCE = False
DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': '${p.db}'}}
`;
}

export function statsdConf(s: StackSettings): string {
  return (
    JSON.stringify(
      {
        graphiteHost: '127.0.0.1',
        graphitePort: s.carbonPort,
        address: '127.0.0.1',
        port: s.statsdPort,
        mgmt_address: '127.0.0.1',
        mgmt_port: s.statsdAdminPort,
        flushInterval: s.statsdFlushMs,
        backends: ['./backends/graphite'],
        graphite: { legacyNamespace: false },
      },
      null,
      2,
    ) + '\n'
  );
}

/** The files of one storage node: carbon-cache's and its graphite-web's. */
export function storageNodeFiles(s: StackSettings): Record<string, string> {
  const p = stackPaths(s.root);
  return {
    [p.carbonConf]: carbonConf(s),
    [p.schemas]: storageSchemas(s),
    [p.aggregation]: storageAggregation(s),
    [p.webSettings]: webSettings(s),
  };
}

/** The files of a single-node stack: one storage node and statsD. */
export function stackFiles(s: StackSettings): Record<string, string> {
  return { ...storageNodeFiles(s), [stackPaths(s.root).statsdConf]: statsdConf(s) };
}
