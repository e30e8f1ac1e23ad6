import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freeStackEnv } from '../support/ports';
import { runCli } from '../support/run-cli';

// A second, private stack (the shared one from globalSetup keeps running): proves that up/status/down
// work twice in a row through the real CLI, with no stale pid files and no leftover processes.
describe('healthlake stack up|status|down through the CLI', () => {
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'healthlake-stack-cli-'));
    env = await freeStackEnv(dataDir);
  });

  afterAll(async () => {
    await runCli(['stack', 'down'], env);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  // A stopped daemon whose parent (the CLI) has exited may linger as a zombie until init reaps it:
  // it is gone, so count only processes that are not zombies.
  const alive = (pid: number) => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
    } catch {
      return false;
    }
  };

  it.each([1, 2])('round %i: up, up again, status, down, status', async () => {
    const up = await runCli(['stack', 'up'], env);
    expect(up.stderr).not.toMatch(/error/i);
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/^carbon +ready/m);
    expect(up.stdout).toMatch(/^graphite-web +ready/m);
    expect(up.stdout).toMatch(/^statsd +ready/m);

    // Idempotent: a second "up" starts nothing new and keeps the same PIDs.
    const again = await runCli(['stack', 'up', '--json'], env);
    expect(again.code).toBe(0);
    const statusJson = await runCli(['stack', 'status', '--json'], env);
    expect(statusJson.code).toBe(0);
    const status = JSON.parse(statusJson.stdout) as {
      allReady: boolean;
      components: Array<{ name: string; pid: number }>;
    };
    expect(status.allReady).toBe(true);
    expect(status.components.map((c) => c.name)).toEqual(['carbon', 'graphite-web', 'statsd']);
    expect(JSON.parse(again.stdout).components.map((c: { pid: number }) => c.pid)).toEqual(
      status.components.map((c) => c.pid),
    );
    const pids = status.components.map((c) => c.pid);
    expect(pids.every(alive)).toBe(true);

    const down = await runCli(['stack', 'down'], env);
    expect(down.code).toBe(0);
    for (const pid of pids) expect(down.stdout).toContain(`stopped (pid ${pid})`);
    expect(pids.some(alive)).toBe(false);

    const after = await runCli(['stack', 'status'], env);
    expect(after.code).toBe(1);
    expect(after.stdout.match(/ stopped /g)).toHaveLength(3);
    // Only settings.json stays in run/: no pid file of ours or of twistd survives.
    expect(fs.readdirSync(path.join(dataDir, 'stack', 'run'))).toEqual(['settings.json']);
  });

  it('refuses to start over a port that another program holds, naming the port', async () => {
    const blocker = net.createServer().listen(Number(env.CARBON_PORT), '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    try {
      const up = await runCli(['stack', 'up'], env);
      expect(up.code).toBe(1);
      expect(up.stderr).toContain(`port(s) ${env.CARBON_PORT} on 127.0.0.1 are already in use`);
    } finally {
      blocker.close();
    }
  });
});
