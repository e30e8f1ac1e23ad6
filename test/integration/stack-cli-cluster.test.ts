import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freeNodeBasePort, freeStackPorts } from '../support/ports';
import { runCli } from '../support/run-cli';

// `healthlake stack up --nodes 3`, status, down, twice in a row, through the real CLI on a private stack (the
// shared ones from the global setup keep running): every process starts and answers, down stops every one of
// them (the pids status reported), and nothing of this stack is left running: no process whose command line
// names its folder.

const COMPONENTS = [
  'carbon-1',
  'graphite-web-1',
  'carbon-2',
  'graphite-web-2',
  'carbon-3',
  'graphite-web-3',
  'relay',
  'graphite-web',
  'statsd',
];

interface Status {
  nodes: number;
  allReady: boolean;
  clusterUrls: string[];
  components: Array<{ name: string; pid: number; ready: boolean; endpoint: string }>;
}

/** Live (not zombie) processes whose command line contains `text`. */
function processesMentioning(text: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2))) continue;
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').includes(text))
        found.push(Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  return found;
}

describe('healthlake stack up --nodes 3 | status | down through the CLI', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let base: number;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'healthlake-stack-cluster-'));
    const p = await freeStackPorts();
    base = await freeNodeBasePort(3);
    env = {
      HEALTHLAKE_DATA_DIR: dataDir,
      CARBON_PORT: String(p.carbonPort),
      GRAPHITE_URL: `http://127.0.0.1:${p.webPort}`,
      STATSD_PORT: String(p.statsdPort),
      HEALTHLAKE_STACK_STATSD_ADMIN_PORT: String(p.statsdAdminPort),
      HEALTHLAKE_STACK_NODE_BASE_PORT: String(base),
    };
  });

  afterAll(async () => {
    await runCli(['stack', 'down'], env);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it.each([1, 2])('round %i: up, status, down, and nothing of the stack is left running', async () => {
    const up = await runCli(['stack', 'up', '--nodes', '3'], env);
    expect({ code: up.code, stderr: up.stderr }).toEqual({ code: 0, stderr: '' });
    for (const name of COMPONENTS) expect(up.stdout).toMatch(new RegExp(`^${name} +ready `, 'm'));

    const statusRun = await runCli(['stack', 'status', '--json'], env);
    expect(statusRun.code).toBe(0);
    const status = JSON.parse(statusRun.stdout) as Status;
    expect(status).toMatchObject({ nodes: 3, allReady: true });
    expect(status.components.map((c) => c.name)).toEqual(COMPONENTS);
    // the documented layout: node k on base + 10k (plaintext) and base + 10k + 3 (its graphite-web)
    expect(status.components.find((c) => c.name === 'carbon-2')!.endpoint).toContain(
      `127.0.0.1:${base + 20} `,
    );
    expect(status.clusterUrls).toEqual([1, 2, 3].map((k) => `http://127.0.0.1:${base + 10 * k + 3}`));
    const pids = status.components.map((c) => c.pid);
    expect(new Set(pids).size).toBe(COMPONENTS.length);
    expect(processesMentioning(dataDir).length).toBeGreaterThanOrEqual(COMPONENTS.length);

    // "up" with another node count while this stack runs is refused, and changes nothing
    const single = await runCli(['stack', 'up'], env);
    expect(single.code).toBe(1);
    expect(single.stderr).toContain(
      `a stack of 3 node(s) is running under ${path.join(dataDir, 'stack')} (carbon-1, graphite-web-1,`,
    );
    expect(single.stderr).toContain('run "healthlake stack down" before starting 1 node(s)');

    const down = await runCli(['stack', 'down'], env);
    expect(down.code).toBe(0);
    for (const [i, name] of COMPONENTS.entries())
      expect(down.stdout).toMatch(new RegExp(`^${name} +stopped \\(pid ${pids[i]}\\)`, 'm'));
    // gunicorn workers and all: no process names the stack's folder any more
    expect(processesMentioning(dataDir)).toEqual([]);

    const after = await runCli(['stack', 'status'], env);
    expect(after.code).toBe(1);
    expect(after.stdout.match(/ stopped /g)).toHaveLength(COMPONENTS.length);
    // no pid file of ours or of twistd survives, in the stack's run/ or any node's
    expect(fs.readdirSync(path.join(dataDir, 'stack', 'run'))).toEqual(['settings.json']);
    for (const k of [1, 2, 3])
      expect(fs.readdirSync(path.join(dataDir, 'stack', 'nodes', String(k), 'run'))).toEqual([]);
  });
});
