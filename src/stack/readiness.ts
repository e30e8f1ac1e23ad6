import net from 'node:net';
import axios from 'axios';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Poll `probe` every `intervalMs` until it returns true or `timeoutMs` passes. Returns the time it took. */
export async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  {
    timeoutMs = 30000,
    intervalMs = 100,
    alive,
  }: { timeoutMs?: number; intervalMs?: number; alive?: () => boolean } = {},
): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await probe().catch(() => false)) return Date.now() - started;
    if (alive && !alive()) throw new Error(`${what} exited during start-up`);
    if (Date.now() - started > timeoutMs)
      throw new Error(`${what} was not ready after ${timeoutMs / 1000} s`);
    await sleep(intervalMs);
  }
}

export function tcpAccepts(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** graphite-web is ready when /metrics/find answers JSON: that also proves the sqlite DB is migrated. */
export async function graphiteWebReady(webPort: number): Promise<boolean> {
  const res = await axios.get(`http://127.0.0.1:${webPort}/metrics/find`, {
    params: { query: '*' },
    timeout: 2000,
    validateStatus: () => true,
  });
  return res.status === 200 && Array.isArray(res.data);
}

/** statsD's admin interface answers `health: up`. */
export function statsdHealthy(adminPort: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port: adminPort, host: '127.0.0.1' });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => socket.write('health\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\n')) done(reply.startsWith('health: up'));
    });
    socket.once('error', () => done(false));
  });
}
