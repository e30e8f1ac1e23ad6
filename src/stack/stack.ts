import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { HealthlakeError } from '../errors';
import type { Logger } from '../util/log';
import { allStackFiles, isCluster, nodeCount } from './cluster-files';
import { stackComponents, webEnv, type Component, type ComponentKind } from './components';
import { checkPrerequisites, SYSTEM_PYTHON } from './prerequisites';
import { isOurProcess, readPid, startDaemon, stopDaemon } from './processes';
import { tcpAccepts, waitFor } from './readiness';
import { stackPaths, type StackSettings } from './stack-files';

export interface ComponentStatus {
  name: string;
  kind: ComponentKind;
  pid?: number;
  running: boolean;
  ready: boolean;
  endpoint: string;
  log: string;
}

export interface StackStatus {
  root: string;
  /** Storage nodes: 1 for today's single-node stack. */
  nodes: number;
  components: ComponentStatus[];
  allReady: boolean;
  /** A cluster's node graphite-webs: the value for GRAPHITE_CLUSTER_URLS. */
  clusterUrls?: string[];
}

export interface StopResult {
  name: string;
  pid?: number;
  stopped: boolean;
}

function runningPid(c: Component): number | undefined {
  const pid = readPid(c.daemon.pidFile);
  return pid !== undefined && isOurProcess(pid, c.daemon.cmdlineMarker) ? pid : undefined;
}

/** Starts whatever part of the stack is not running, and waits until every component answers. Idempotent. */
export async function stackUp(settings: StackSettings, log: Logger): Promise<StackStatus> {
  const { statsdMain } = checkPrerequisites(undefined, { cluster: isCluster(settings) });
  await refuseOtherTopology(settings);
  const all = stackComponents(settings, statsdMain);
  // whisper/ must exist before graphite-web starts, or it finds no metrics until a HUP.
  for (const root of new Set(all.map((c) => c.root))) {
    const p = stackPaths(root);
    for (const dir of [p.conf, p.log, p.run]) fs.mkdirSync(dir, { recursive: true });
    if (all.some((c) => c.root === root && c.kind === 'carbon')) fs.mkdirSync(p.whisper, { recursive: true });
  }
  for (const [file, text] of Object.entries(allStackFiles(settings))) writeIfChanged(file, text);
  writeIfChanged(`${stackPaths(settings.root).run}/settings.json`, JSON.stringify(settings, null, 2) + '\n');

  const toStart = all.filter((c) => runningPid(c) === undefined);
  await refuseBusyPorts(toStart);
  migrateWebDatabases(toStart.filter((c) => c.kind === 'graphite-web'));

  const started: Component[] = [];
  try {
    for (const c of toStart) {
      // a stale twistd pidfile blocks a restart
      if (c.kind === 'carbon') fs.rmSync(stackPaths(c.root).carbonTwistdPid, { force: true });
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
    await stopInTiers(started);
    throw err;
  }
  return stackStatus(settings.root);
}

/** Stops every component "up" started (by PID), statsD first and the caches last. */
export async function stackDown(root: string): Promise<StopResult[]> {
  const settings = readSettings(root);
  if (!settings) return [];
  return stopInTiers(stackComponents(settings));
}

/**
 * Stops the named components only, e.g. one node's carbon-cache to simulate a fault; `stackUp` with the same
 * settings starts them again. Throws on a name the stack does not have.
 */
export async function stopComponents(root: string, names: string[]): Promise<StopResult[]> {
  const settings = readSettings(root);
  const all = settings ? stackComponents(settings) : [];
  const unknown = names.filter((n) => !all.some((c) => c.name === n));
  if (unknown.length > 0)
    throw new HealthlakeError(`no component ${unknown.join(', ')} in the stack under ${root}`);
  return stopInTiers(all.filter((c) => names.includes(c.name)));
}

/** Stops tier by tier (in parallel within a tier); results in the components' order. */
async function stopInTiers(components: Component[]): Promise<StopResult[]> {
  const results = new Map<Component, StopResult>();
  const tiers = [...new Set(components.map((c) => c.stopTier))].sort((a, b) => a - b);
  for (const tier of tiers) {
    await Promise.all(
      components
        .filter((c) => c.stopTier === tier)
        .map(async (c) => {
          const r = await stopDaemon(c.daemon);
          if (c.kind === 'carbon') fs.rmSync(stackPaths(c.root).carbonTwistdPid, { force: true });
          results.set(c, { name: c.name, ...r });
        }),
    );
  }
  return components.map((c) => results.get(c) as StopResult);
}

export async function stackStatus(root: string): Promise<StackStatus> {
  const settings = readSettings(root);
  if (!settings) return { root, nodes: 0, components: [], allReady: false };
  const statuses = await Promise.all(
    stackComponents(settings).map(async (c): Promise<ComponentStatus> => {
      const pid = runningPid(c);
      const ready = pid !== undefined && (await c.ready().catch(() => false));
      return {
        name: c.name,
        kind: c.kind,
        pid,
        running: pid !== undefined,
        ready,
        endpoint: c.endpoint,
        log: c.daemon.logFile,
      };
    }),
  );
  return {
    root,
    nodes: nodeCount(settings),
    components: statuses,
    allReady: statuses.every((s) => s.ready),
    ...(isCluster(settings)
      ? { clusterUrls: (settings.nodes ?? []).map((n) => `http://127.0.0.1:${n.webPort}`) }
      : {}),
  };
}

export function readSettings(root: string): StackSettings | undefined {
  try {
    return JSON.parse(
      fs.readFileSync(path.join(stackPaths(root).run, 'settings.json'), 'utf8'),
    ) as StackSettings;
  } catch {
    return undefined;
  }
}

/** "up" with another node count while the previous stack still runs would orphan its processes. */
async function refuseOtherTopology(settings: StackSettings) {
  const previous = readSettings(settings.root);
  if (!previous || nodeCount(previous) === nodeCount(settings)) return;
  const running = stackComponents(previous).filter((c) => runningPid(c) !== undefined);
  if (running.length === 0) return;
  throw new HealthlakeError(
    `a stack of ${nodeCount(previous)} node(s) is running under ${settings.root} ` +
      `(${running.map((c) => c.name).join(', ')}); run "healthlake stack down" before starting ` +
      `${nodeCount(settings)} node(s)`,
  );
}

/**
 * Without the auth tables /metrics/find answers 500 (no such table: auth_user). One migration (about 1 s of
 * CPU) serves every web of the stack: the freshly migrated, still empty database is copied to the others.
 */
function migrateWebDatabases(webs: Component[]) {
  const missing = webs.filter((c) => {
    const db = stackPaths(c.root).db;
    return !(fs.existsSync(db) && fs.statSync(db).size > 0);
  });
  const [first, ...others] = missing;
  if (!first) return;
  const p = stackPaths(first.root);
  const r = spawnSync(SYSTEM_PYTHON, ['/usr/bin/django-admin', 'migrate', '--noinput'], {
    env: webEnv(first.root),
    encoding: 'utf8',
    timeout: 120000,
  });
  fs.writeFileSync(`${p.log}/migrate.out`, `${r.stdout ?? ''}${r.stderr ?? ''}`);
  if (r.status !== 0) {
    throw new HealthlakeError(
      `graphite-web database migration failed. Last lines of ${p.log}/migrate.out:\n${tail(`${p.log}/migrate.out`)}`,
    );
  }
  for (const c of others) fs.copyFileSync(p.db, stackPaths(c.root).db);
}

async function refuseBusyPorts(toStart: Component[]) {
  const busy: number[] = [];
  for (const c of toStart) for (const port of c.ports) if (await tcpAccepts(port)) busy.push(port);
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
