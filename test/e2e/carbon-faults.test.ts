import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Archive } from '../../src/archive/archive';
import { addDays } from '../../src/util/civil-date';
import { misbehavingCarbon, type MisbehavingCarbon } from '../support/misbehaving-carbon';
import { freeTcpPort } from '../support/ports';
import { CLI, runCli, type CliResult } from '../support/run-cli';
import { allDatagrams, udpReceiver } from '../support/udp-receiver';

// The built CLI against carbon listeners that misbehave the way a stuck, crashing or overloaded carbon does
// (test/support/misbehaving-carbon.py): a multi-megabyte replay, and a small collect that reports itself to a
// statsD stand-in. A carbon that does not deliver must end the run with exit 1 within the documented bound
// (twice HEALTHLAKE_CARBON_TIMEOUT_MS after writing began, for the one resend), print the replay command,
// release the lock and report no last_success; a carbon that reads slowly but steadily must get everything.

const PREFIX = 'people.alice.wearables.charge6.health_e2e_faults';
const TIMEOUT_MS = 3000;
/** README, "Running from cron": a carbon that stops reading ends the run twice the timeout after writing began. */
const BOUND_MS = 2 * TIMEOUT_MS;
// Process exit, the lock release and the telemetry datagrams, on a busy machine.
const MARGIN_MS = 3000;
const HISTORY = { from: '1990-01-01', days: 8000 };
const HISTORY_TO = addDays(HISTORY.from, HISTORY.days - 1);

let dataDir: string;
let historyBytes: string;

/** Days of synthetic history in the archive: what `replay` re-derives and sends (about 4.5 MB of lines). */
async function writeHistory(archive: Archive): Promise<void> {
  const dates = Array.from({ length: HISTORY.days }, (_, i) => addDays(HISTORY.from, i));
  for (let i = 0; i < dates.length; i += 64) {
    await Promise.all(
      dates.slice(i, i + 64).map((date, j) => {
        const n = i + j;
        return archive.writeDay('sample', {
          date,
          steps: 5000 + ((n * 37) % 9000),
          restingHeartRate: 52 + (n % 9),
          heart: { sum: 210 + (n % 11), count: 3, minutes: [] },
          sleeps: [
            {
              dateOfSleep: date,
              isMainSleep: true,
              minutesAsleep: 380 + (n % 90),
              levels: [
                { level: 'light', seconds: 3600 + (n % 97) * 60 },
                { level: 'wake', seconds: 120 },
                { level: 'deep', seconds: 1800 },
              ],
            },
          ],
          worked: n % 7 < 5 ? 1 : 0,
        });
      }),
    );
  }
}

function env(carbonPort: number, statsdPort: number, graphitePort: number): Record<string, string> {
  return {
    HEALTHLAKE_DATA_DIR: dataDir,
    HEALTHLAKE_PREFIX: PREFIX,
    CARBON_HOST: '127.0.0.1',
    CARBON_PORT: String(carbonPort),
    STATSD_HOST: '127.0.0.1',
    STATSD_PORT: String(statsdPort),
    // Nobody answers there: the runs that fail never get as far as verification.
    GRAPHITE_URL: `http://127.0.0.1:${graphitePort}`,
    HEALTHLAKE_CARBON_TIMEOUT_MS: String(TIMEOUT_MS),
  };
}

const replayHistory = (e: Record<string, string>, ...extra: string[]) =>
  runCli(['replay', '--from', HISTORY.from, '--to', HISTORY_TO, ...extra], e);
const collectTwoDays = (e: Record<string, string>, ...extra: string[]) =>
  runCli(['collect', '--source', 'sample', '--from', '2026-11-14', '--to', '2026-11-15', ...extra], e);

interface Observed {
  result: CliResult;
  /** From carbon's first accepted connection to the process's exit. */
  sinceWriting: number;
}

async function runAgainst(carbon: MisbehavingCarbon, run: () => Promise<CliResult>): Promise<Observed> {
  const seen = carbon.events.length;
  const result = await run();
  const exitedAt = Date.now();
  const accepted = carbon.events.slice(seen).find((e) => e.event === 'accepted');
  expect(accepted).toBeDefined();
  return { result, sinceWriting: exitedAt - (accepted?.at ?? exitedAt) };
}

/** The run failed as a non-delivery must: exit 1 in time, the replay command, the lock free, no last_success. */
async function expectNotDelivered(
  observed: Observed,
  replay: { from: string; to: string },
  e: Record<string, string>,
): Promise<void> {
  const { result } = observed;
  expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 1, stdout: '' });
  expect(result.stderr).toMatch(/^healthlake: /m);
  expect(result.stderr).toContain(
    'Nothing is lost: the data is safe in the archive. Once carbon is up, run ' +
      `\`healthlake replay --from ${replay.from} --to ${replay.to}\` to send it.\n`,
  );
  expect(observed.sinceWriting).toBeLessThan(BOUND_MS + MARGIN_MS);
  // The lock is free: a collect started right after is not refused with 7.
  expect(fs.existsSync(path.join(dataDir, 'collect.lock'))).toBe(false);
  const next = await collectTwoDays(e, '--dry-run');
  expect({ code: next.code, stderr: next.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
}

function expectNoLastSuccess(datagrams: string[], collected: boolean): void {
  expect(datagrams.filter((d) => d.startsWith('healthlake.collector.last_success'))).toEqual([]);
  if (collected) expect(datagrams).toContain('healthlake.collector.errors:1|c');
  else expect(datagrams).toEqual([]);
}

describe('delivery to a carbon that misbehaves', () => {
  let graphitePort: number;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-e2e-carbon-'));
    graphitePort = await freeTcpPort();
    await writeHistory(new Archive(dataDir));
    // The exact bytes a replay sends (its dry run prints them), and the sample export, generated once.
    const dryRun = await replayHistory(env(1, 1, graphitePort), '--dry-run');
    expect(dryRun.code).toBe(0);
    historyBytes = dryRun.stdout;
    expect(historyBytes.length).toBeGreaterThan(4_000_000);
    expect((await collectTwoDays(env(1, 1, graphitePort), '--dry-run')).code).toBe(0);
  }, 180_000);

  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('(a) accepts and never reads, small receive buffer: exit 1 within the bound, for a multi-megabyte replay and a small collect', async () => {
    const carbon = await misbehavingCarbon('never-read', ['--rcvbuf', '4096']);
    const statsd = await udpReceiver();
    const e = { ...env(carbon.port, statsd.port, graphitePort), HEALTHLAKE_LOG_LEVEL: 'info' };
    try {
      const replay = await runAgainst(carbon, () => replayHistory(e));
      expect(replay.result.stderr).toContain(`is not reading: no progress for 3 s while sending`);
      expect(replay.result.stderr).toContain('also after one reconnect and resend');
      // The cron log shows the run starting to write, and stuck, before it gives up.
      expect(replay.result.stderr).toContain(
        `"msg":"writing ${historyBytes.split('\n').length - 1} lines to carbon at 127.0.0.1:${carbon.port}"`,
      );
      expect(replay.result.stderr).toMatch(
        /still writing to carbon: \d+ of \d+ lines sent; carbon has taken nothing for/,
      );
      await expectNotDelivered(replay, { from: HISTORY.from, to: HISTORY_TO }, e);

      // A small batch fits in the kernel's buffers: the write completes, carbon's close never comes.
      const collect = await runAgainst(carbon, () => collectTwoDays(e));
      expect(collect.result.stderr).toContain('while waiting for carbon to read');
      await expectNotDelivered(collect, { from: '2026-11-14', to: '2026-11-15' }, e);
      expect(collect.result.stderr).toContain('"msg":"collect run FAILED; last_success not advanced"');
      expect(carbon.events.filter((x) => x.event === 'accepted')).toHaveLength(4);
      expectNoLastSuccess(await allDatagrams(statsd), true);
    } finally {
      await carbon.stop();
      await statsd.close();
    }
  }, 120_000);

  it('(b) resets before reading: exit 1 after one resend, replay command, lock free, no last_success', async () => {
    const carbon = await misbehavingCarbon('reset-before-read');
    const statsd = await udpReceiver();
    const e = env(carbon.port, statsd.port, graphitePort);
    try {
      const replay = await runAgainst(carbon, () => replayHistory(e));
      expect(replay.result.stderr).toMatch(/ECONNRESET|EPIPE/);
      await expectNotDelivered(replay, { from: HISTORY.from, to: HISTORY_TO }, e);
      expectNoLastSuccess(await allDatagrams(statsd), false);

      const collect = await runAgainst(carbon, () => collectTwoDays(e));
      await expectNotDelivered(collect, { from: '2026-11-14', to: '2026-11-15' }, e);
      expectNoLastSuccess(await allDatagrams(statsd), true);
      // Each run: the connection and the one resend, both reset.
      expect(carbon.events.filter((x) => x.event === 'reset')).toHaveLength(4);
    } finally {
      await carbon.stop();
      await statsd.close();
    }
  }, 120_000);

  it('(c) closes in the middle of the data: exit 1 after one resend, replay command, lock free, no last_success', async () => {
    // Reads the first 512 bytes, then closes with the rest unread (the kernel answers with a reset).
    const carbon = await misbehavingCarbon('close-mid-send', ['--read-bytes', '512']);
    const statsd = await udpReceiver();
    const e = env(carbon.port, statsd.port, graphitePort);
    try {
      const replay = await runAgainst(carbon, () => replayHistory(e));
      await expectNotDelivered(replay, { from: HISTORY.from, to: HISTORY_TO }, e);
      expectNoLastSuccess(await allDatagrams(statsd), false);

      // The two days are 15 lines, about 1.1 KB: more than carbon reads before it closes.
      const collect = await runAgainst(carbon, () => collectTwoDays(e));
      await expectNotDelivered(collect, { from: '2026-11-14', to: '2026-11-15' }, e);
      expectNoLastSuccess(await allDatagrams(statsd), true);
      expect(carbon.events.filter((x) => x.event === 'closing').map((x) => x.bytes)).toEqual([
        512, 512, 512, 512,
      ]);
    } finally {
      await carbon.stop();
      await statsd.close();
    }
  }, 120_000);

  it('(d) reads slowly but steadily, for longer than the timeout: the replay succeeds and carbon gets every byte once', async () => {
    // 16 KB every 12 ms at most: under 1.4 MB/s, so the 4.5 MB take longer than the 3 s timeout.
    const carbon = await misbehavingCarbon('slow-read', ['--chunk', '16384', '--every-ms', '12']);
    const statsd = await udpReceiver();
    const e = env(carbon.port, statsd.port, graphitePort);
    try {
      const replay = await replayHistory(e, '--no-verify');
      const accepted = await carbon.waitFor((x) => x.event === 'accepted');
      const closed = await carbon.waitFor((x) => x.event === 'closed');

      expect({ code: replay.code, stderr: replay.stderr }).toEqual({ code: 0, stderr: '' });
      const lines = historyBytes.split('\n').length - 1;
      expect(replay.stdout).toMatch(
        new RegExp(
          `^${HISTORY.days} days ${HISTORY.from}\\.\\.${HISTORY_TO}, ${lines} points written, not verified \\(--no-verify\\)`,
        ),
      );
      expect(closed.at - accepted.at).toBeGreaterThan(TIMEOUT_MS);
      expect(carbon.events.filter((x) => x.event === 'accepted')).toHaveLength(1);
      expect(closed.bytes).toBe(Buffer.byteLength(historyBytes));
      expect(closed.sha256).toBe(createHash('sha256').update(historyBytes).digest('hex'));
    } finally {
      await carbon.stop();
      await statsd.close();
    }
  }, 120_000);

  it('releases the lock when cron kills a run that is stuck on carbon (SIGTERM from `timeout`)', async () => {
    const carbon = await misbehavingCarbon('never-read', ['--rcvbuf', '4096']);
    const e = { ...env(carbon.port, 1, graphitePort), HEALTHLAKE_CARBON_TIMEOUT_MS: '600000' };
    try {
      const child = spawn(process.execPath, [CLI, 'replay', '--from', HISTORY.from, '--to', HISTORY_TO], {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '/tmp',
          HEALTHLAKE_LOG_LEVEL: 'warn',
          ...e,
        },
        stdio: 'ignore',
      });
      const exited = new Promise<number | null>((resolve) =>
        child.once('exit', (_code, signal) => resolve(signal ? 143 : _code)),
      );
      // Writing has begun (and cannot finish: carbon reads nothing, the timeout is ten minutes).
      await carbon.waitFor((x) => x.event === 'accepted');
      expect(fs.existsSync(path.join(dataDir, 'collect.lock'))).toBe(true);
      child.kill('SIGTERM');
      expect(await exited).toBe(143);

      expect(fs.existsSync(path.join(dataDir, 'collect.lock'))).toBe(false);
      const next = await collectTwoDays(e, '--dry-run');
      expect(next.code).toBe(0);
    } finally {
      await carbon.stop();
    }
  }, 120_000);
});
