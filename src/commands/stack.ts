import path from 'node:path';
import { ExitCode } from '../errors';
import type { Config } from '../config/config';
import { clusterNodePorts } from '../stack/cluster-files';
import { stackDown, stackStatus, stackUp, type StackStatus } from '../stack/stack';
import type { StackSettings } from '../stack/stack-files';
import { defineCommand, defineCommandGroup } from '../cli/define-command';
import { jsonOption, numberOption } from '../cli/options';

export function stackSettings(config: Config, nodes = 1): StackSettings {
  return {
    root: path.join(config.dataDir, 'stack'),
    prefix: config.prefix,
    carbonPort: config.carbon.port,
    picklePort: config.stack.picklePort,
    carbonlinkPort: config.stack.carbonlinkPort,
    webPort: config.stack.webPort,
    statsdPort: config.statsd.port,
    statsdAdminPort: config.stack.statsdAdminPort,
    statsdFlushMs: config.statsd.flushIntervalMs,
    ...(nodes >= 2 ? { nodes: clusterNodePorts(config.stack.nodeBasePort, nodes) } : {}),
  };
}

const PORTS_EPILOG =
  'Needs the Debian packages graphite-carbon graphite-web gunicorn (and carbon-c-relay for --nodes 2 or more) ' +
  'and the npm package statsd. Ports: carbon plaintext CARBON_PORT (2003), graphite-web the port of GRAPHITE_URL (8080), statsD UDP ' +
  'STATSD_PORT (8125); pickle, carbonlink and statsD admin from HEALTHLAKE_STACK_PICKLE_PORT (CARBON_PORT+1), ' +
  'HEALTHLAKE_STACK_CARBONLINK_PORT (7002), HEALTHLAKE_STACK_STATSD_ADMIN_PORT (STATSD_PORT+1). ' +
  'With --nodes N >= 2, node k uses HEALTHLAKE_STACK_NODE_BASE_PORT (2100) + 10k: +0 plaintext, +1 pickle, ' +
  '+2 carbonlink, +3 its graphite-web.';

const stackUpCommand = defineCommand({
  command: 'up',
  describe:
    'Write config under $HEALTHLAKE_DATA_DIR/stack, start what is not running, and wait until all of it answers',
  options: {
    json: jsonOption('Print the status as JSON on stdout'),
    nodes: {
      ...numberOption(
        'Storage nodes. 2 or more: carbon-c-relay on CARBON_PORT hashing series over that many carbon-caches, ' +
          'a graphite-web per node, and a front graphite-web on GRAPHITE_URL federating them',
        { min: 1, max: 16, integer: true },
      ),
      default: 1,
    },
  },
  examples: [['$0 stack up --nodes 2', 'a two-node Graphite cluster behind carbon-c-relay']],
  epilog: PORTS_EPILOG,
  handler: async (args, { config, log }) => {
    const settings = stackSettings(config, args.nodes);
    const started = Date.now();
    const status = await stackUp(settings, log);
    printStatus(status, args.json);
    log.info({ ms: Date.now() - started, root: settings.root }, 'stack up: all components ready');
  },
});

const stackDownCommand = defineCommand({
  command: 'down',
  describe: 'Stop what "stack up" started (by PID, checked against the command line)',
  options: { json: jsonOption() },
  handler: async (args, { config }) => {
    const results = await stackDown(stackSettings(config).root);
    if (args.json) console.log(JSON.stringify(results, null, 2));
    else if (results.every((r) => !r.stopped)) console.log('stack down: nothing was running');
    else
      for (const r of results)
        console.log(`${r.name.padEnd(13)} ${r.stopped ? `stopped (pid ${r.pid})` : 'not running'}`);
  },
});

const stackStatusCommand = defineCommand({
  command: 'status',
  describe: 'Show each component: running, answering, PID and endpoint (exit 1 unless all are ready)',
  options: { json: jsonOption('Print the status as JSON on stdout') },
  handler: async (args, { config }) => {
    const status = await stackStatus(stackSettings(config).root);
    printStatus(status, args.json);
    if (!status.allReady) process.exitCode = ExitCode.failure;
  },
});

export const stackCommand = defineCommandGroup({
  command: 'stack',
  describe: 'A local Graphite (carbon + graphite-web) and statsD on 127.0.0.1: start, stop or inspect it',
  subcommands: [stackUpCommand, stackDownCommand, stackStatusCommand],
  epilog: PORTS_EPILOG,
});

function printStatus(status: StackStatus, json: boolean) {
  if (json) {
    console.log(JSON.stringify(status, null, 2));
    return;
  }
  if (status.components.length === 0) {
    console.log(`no stack under ${status.root} (run "healthlake stack up")`);
    return;
  }
  for (const c of status.components) {
    const state = c.ready ? 'ready' : c.running ? 'running, not answering' : 'stopped';
    console.log(
      `${c.name.padEnd(14)} ${state.padEnd(24)} ${c.pid !== undefined ? `pid ${c.pid}`.padEnd(11) : ''.padEnd(11)} ${c.endpoint}`,
    );
  }
  if (status.clusterUrls && status.allReady)
    console.log(`\nGRAPHITE_CLUSTER_URLS=${status.clusterUrls.join(',')} (for provision-checks --prune)`);
}
