import path from 'node:path';
import { ExitCode } from '../errors';
import type { Config } from '../config/config';
import { stackDown, stackStatus, stackUp, type StackStatus } from '../stack/stack';
import type { StackSettings } from '../stack/stack-files';
import { defineCommand, defineCommandGroup } from '../cli/define-command';
import { jsonOption } from '../cli/options';

export function stackSettings(config: Config): StackSettings {
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
  };
}

const PORTS_EPILOG =
  'Ports: carbon plaintext CARBON_PORT (2003), graphite-web the port of GRAPHITE_URL (8080), statsD UDP ' +
  'STATSD_PORT (8125); pickle, carbonlink and statsD admin from HEALTHLAKE_STACK_PICKLE_PORT (CARBON_PORT+1), ' +
  'HEALTHLAKE_STACK_CARBONLINK_PORT (7002), HEALTHLAKE_STACK_STATSD_ADMIN_PORT (STATSD_PORT+1). ' +
  'Needs Debian packages graphite-carbon graphite-web gunicorn and the npm package statsd.';

const stackUpCommand = defineCommand({
  command: 'up',
  describe:
    'Write config under $HEALTHLAKE_DATA_DIR/stack, start what is not running, and wait until all of it answers',
  options: { json: jsonOption('Print the status as JSON on stdout') },
  epilog: PORTS_EPILOG,
  handler: async (args, { config, log }) => {
    const settings = stackSettings(config);
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
      `${c.name.padEnd(13)} ${state.padEnd(24)} ${c.pid !== undefined ? `pid ${c.pid}`.padEnd(11) : ''.padEnd(11)} ${c.endpoint}`,
    );
  }
}
