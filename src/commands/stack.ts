import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { ExitCode } from '../errors';
import type { Config } from '../config/config';
import type { GlobalOptions } from '../cli';
import { clusterNodePorts } from '../stack/cluster-files';
import { stackDown, stackStatus, stackUp, type StackStatus } from '../stack/stack';
import type { StackSettings } from '../stack/stack-files';
import { commandContext } from './context';

interface StackArgs extends GlobalOptions {
  action: 'up' | 'down' | 'status';
  json: boolean;
  nodes: number;
}

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

export const stackCommand: CommandModule<GlobalOptions, StackArgs> = {
  command: 'stack <action>',
  describe: 'Start, stop or inspect a local Graphite (carbon + graphite-web) and statsD on 127.0.0.1',
  builder: (y: Argv<GlobalOptions>) =>
    y
      .positional('action', {
        choices: ['up', 'down', 'status'] as const,
        demandOption: true,
        describe:
          'up: write config under $HEALTHLAKE_DATA_DIR/stack and start what is not running, then wait until ready; ' +
          'down: stop what "up" started (by PID); status: show each component',
      })
      .option('json', { type: 'boolean', default: false, describe: 'Print the status as JSON on stdout' })
      .option('nodes', {
        type: 'number',
        default: 1,
        describe:
          'up: storage nodes. 2 or more: carbon-c-relay on CARBON_PORT hashing series over that many carbon-caches, ' +
          'a graphite-web per node, and a front graphite-web on GRAPHITE_URL federating them',
      })
      .check((a) => {
        if (!Number.isInteger(a.nodes) || a.nodes < 1 || a.nodes > 16)
          throw new Error('--nodes must be a whole number from 1 to 16');
        return true;
      })
      .epilog(
        'Needs the Debian packages graphite-carbon graphite-web gunicorn (and carbon-c-relay for --nodes 2 or more) ' +
          'and the npm package statsd. Ports: carbon plaintext CARBON_PORT (2003), graphite-web the port of GRAPHITE_URL (8080), statsD UDP ' +
          'STATSD_PORT (8125); pickle, carbonlink and statsD admin from HEALTHLAKE_STACK_PICKLE_PORT (CARBON_PORT+1), ' +
          'HEALTHLAKE_STACK_CARBONLINK_PORT (7002), HEALTHLAKE_STACK_STATSD_ADMIN_PORT (STATSD_PORT+1). ' +
          'With --nodes N >= 2, node k uses HEALTHLAKE_STACK_NODE_BASE_PORT (2100) + 10k: +0 plaintext, +1 pickle, ' +
          '+2 carbonlink, +3 its graphite-web.',
      ) as Argv<StackArgs>,
  handler: async (argv) => {
    const { config, log } = commandContext(argv);
    const settings = stackSettings(config, argv.nodes);
    if (argv.action === 'up') {
      const started = Date.now();
      const status = await stackUp(settings, log);
      print(status, argv.json);
      log.info({ ms: Date.now() - started, root: settings.root }, 'stack up: all components ready');
    } else if (argv.action === 'down') {
      const results = await stackDown(settings.root);
      if (argv.json) console.log(JSON.stringify(results, null, 2));
      else if (results.every((r) => !r.stopped)) console.log('stack down: nothing was running');
      else
        for (const r of results)
          console.log(`${r.name.padEnd(14)} ${r.stopped ? `stopped (pid ${r.pid})` : 'not running'}`);
    } else {
      const status = await stackStatus(settings.root);
      print(status, argv.json);
      if (!status.allReady) process.exitCode = ExitCode.failure;
    }
  },
};

function print(status: StackStatus, json: boolean) {
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
