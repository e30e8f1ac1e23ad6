import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { HealthlakeError } from '../errors';
import type { Logger } from '../util/log';
import { checkPrerequisites, SYSTEM_PYTHON } from './prerequisites';
import { isOurProcess, readPid, startDaemon, stopDaemon, type DaemonSpec } from './processes';
import { graphiteWebReady, statsdHealthy, tcpAccepts, waitFor } from './readiness';
import { GRAPHITE_SETTINGS_MODULE, stackFiles, stackPaths, type StackSettings } from './stack-files';

export type ComponentName = 'carbon' | 'graphite-web' | 'statsd';

export interface ComponentStatus {
  name: ComponentName;
  pid?: number;
  running: boolean;
  ready: boolean;
  endpoint: string;
  log: string;
}

export interface StackStatus {
  root: string;
  components: ComponentStatus[];
  allReady: boolean;
}

interface Component {
  name: ComponentName;
  daemon: DaemonSpec;
  endpoint: string;
  ready: () => Promise<boolean>;
}

function components(s: StackSettings, statsdMain = ''): Component[] {
  const p = stackPaths(s.root);
  const webEnv = {
    ...process.env,
    PYTHONPATH: p.conf,
    GRAPHITE_SETTINGS_MODULE,
    DJANGO_SETTINGS_MODULE: 'graphite.settings',
  };
  return [
    {
      name: 'carbon',
      endpoint: `tcp://127.0.0.1:${s.carbonPort} (plaintext)`,
      ready: () => tcpAccepts(s.carbonPort),
      daemon: {
        name: 'carbon-cache',
        command: SYSTEM_PYTHON,
        args: [
          '/usr/bin/carbon-cache',
          `--config=${p.carbonConf}`,
          '--nodaemon',
          `--pidfile=${p.carbonTwistdPid}`,
          'start',
        ],
        logFile: `${p.log}/carbon.out`,
        pidFile: `${p.run}/carbon.pid`,
        cmdlineMarker: `--config=${p.carbonConf}`,
      },
    },
    {
      name: 'graphite-web',
      endpoint: `http://127.0.0.1:${s.webPort}`,
      ready: () => graphiteWebReady(s.webPort),
      daemon: {
        name: 'graphite-web (gunicorn)',
        command: SYSTEM_PYTHON,
        args: [
          '/usr/bin/gunicorn',
          '--bind',
          `127.0.0.1:${s.webPort}`,
          '--workers',
          '2',
          '--timeout',
          '60',
          '--pythonpath',
          p.conf,
          'graphite.wsgi:application',
        ],
        env: webEnv,
        logFile: `${p.log}/gunicorn.out`,
        pidFile: `${p.run}/web.pid`,
        cmdlineMarker: p.conf,
      },
    },
    {
      name: 'statsd',
      endpoint: `udp://127.0.0.1:${s.statsdPort} (admin tcp ${s.statsdAdminPort})`,
      ready: () => statsdHealthy(s.statsdAdminPort),
      daemon: {
        name: 'statsd',
        command: process.execPath,
        args: [statsdMain, p.statsdConf],
        logFile: `${p.log}/statsd.out`,
        pidFile: `${p.run}/statsd.pid`,
        cmdlineMarker: p.statsdConf,
      },
    },
  ];
}

function runningPid(c: Component): number | undefined {
  const pid = readPid(c.daemon.pidFile);
  return pid !== undefined && isOurProcess(pid, c.daemon.cmdlineMarker) ? pid : undefined;
}

/** Starts whatever part of the stack is not running, and waits until all three answer. Idempotent. */
export async function stackUp(settings: StackSettings, log: Logger): Promise<StackStatus> {
  const { statsdMain } = checkPrerequisites();
  const p = stackPaths(settings.root);
  // whisper/ must exist before graphite-web starts, or it finds no metrics until a HUP.
  for (const dir of [p.conf, p.whisper, p.log, p.run]) fs.mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(stackFiles(settings))) writeIfChanged(file, text);
  writeIfChanged(`${p.run}/settings.json`, JSON.stringify(settings, null, 2) + '\n');

  const all = components(settings, statsdMain);
  const toStart = all.filter((c) => runningPid(c) === undefined);
  await refuseBusyPorts(settings, toStart);

  const started: Component[] = [];
  try {
    for (const c of toStart) {
      if (c.name === 'carbon') fs.rmSync(p.carbonTwistdPid, { force: true }); // a stale one blocks a restart
      if (c.name === 'graphite-web') migrateWebDatabase(settings, c.daemon.env ?? process.env);
      const pid = startDaemon(c.daemon);
      started.push(c);
      log.debug({ component: c.name, pid }, 'started');
    }
    await Promise.all(
      all.map(async (c) => {
        const ms = await waitFor(c.daemon.name, c.ready, { alive: () => runningPid(c) !== undefined }).catch(
          (err: Error) => {
            throw new HealthlakeError(
              `${err.message}. Last lines of ${c.daemon.logFile}:\n${tail(c.daemon.logFile)}`,
            );
          },
        );
        log.debug({ component: c.name, ms }, 'ready');
      }),
    );
  } catch (err) {
    for (const c of started) await stopDaemon(c.daemon);
    throw err;
  }
  return stackStatus(settings.root);
}

export async function stackDown(
  root: string,
): Promise<Array<{ name: ComponentName; pid?: number; stopped: boolean }>> {
  const settings = readSettings(root);
  if (!settings) return [];
  const results = [];
  // Stop statsD first so its last flush does not hit a carbon that is already gone.
  for (const c of components(settings).reverse()) {
    const r = await stopDaemon(c.daemon);
    results.push({ name: c.name, ...r });
  }
  fs.rmSync(stackPaths(root).carbonTwistdPid, { force: true });
  return results.reverse();
}

export async function stackStatus(root: string): Promise<StackStatus> {
  const settings = readSettings(root);
  if (!settings) return { root, components: [], allReady: false };
  const statuses = await Promise.all(
    components(settings).map(async (c): Promise<ComponentStatus> => {
      const pid = runningPid(c);
      const ready = pid !== undefined && (await c.ready().catch(() => false));
      return {
        name: c.name,
        pid,
        running: pid !== undefined,
        ready,
        endpoint: c.endpoint,
        log: c.daemon.logFile,
      };
    }),
  );
  return { root, components: statuses, allReady: statuses.every((s) => s.ready) };
}

function readSettings(root: string): StackSettings | undefined {
  try {
    return JSON.parse(
      fs.readFileSync(path.join(stackPaths(root).run, 'settings.json'), 'utf8'),
    ) as StackSettings;
  } catch {
    return undefined;
  }
}

function migrateWebDatabase(s: StackSettings, env: NodeJS.ProcessEnv) {
  const p = stackPaths(s.root);
  if (fs.existsSync(p.db) && fs.statSync(p.db).size > 0) return;
  // Without the auth tables /metrics/find answers 500 (no such table: auth_user).
  const r = spawnSync(SYSTEM_PYTHON, ['/usr/bin/django-admin', 'migrate', '--noinput'], {
    env,
    encoding: 'utf8',
    timeout: 120000,
  });
  fs.writeFileSync(`${p.log}/migrate.out`, `${r.stdout ?? ''}${r.stderr ?? ''}`);
  if (r.status !== 0) {
    throw new HealthlakeError(
      `graphite-web database migration failed. Last lines of ${p.log}/migrate.out:\n${tail(`${p.log}/migrate.out`)}`,
    );
  }
}

async function refuseBusyPorts(s: StackSettings, toStart: Component[]) {
  const ports: Array<[ComponentName, number]> = [
    ['carbon', s.carbonPort],
    ['carbon', s.picklePort],
    ['carbon', s.carbonlinkPort],
    ['graphite-web', s.webPort],
    ['statsd', s.statsdAdminPort],
  ];
  const names = new Set(toStart.map((c) => c.name));
  const busy: number[] = [];
  for (const [name, port] of ports) if (names.has(name) && (await tcpAccepts(port))) busy.push(port);
  if (busy.length > 0) {
    throw new HealthlakeError(
      `port(s) ${busy.join(', ')} on 127.0.0.1 are already in use by another program. ` +
        'Stop it, or choose other ports (CARBON_PORT, GRAPHITE_URL, STATSD_PORT, HEALTHLAKE_STACK_*_PORT).',
    );
  }
}

/**
 * statsD watches its config file and re-reads it on change: a plain rewrite can be read half-written and
 * crash it. Write atomically (rename), and not at all when nothing changed.
 */
function writeIfChanged(file: string, text: string) {
  try {
    if (fs.readFileSync(file, 'utf8') === text) return;
  } catch {
    /* absent: write it */
  }
  writeFileAtomic.sync(file, text);
}

function tail(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
