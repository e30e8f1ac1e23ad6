import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Archive } from '../../src/archive/archive';
import { DAILY_METRICS } from '../../src/metrics/metric-names';
import { graphiteClient } from '../support/graphite-fixtures';
import { integrationStack } from '../support/integration-stack';
import { runCli } from '../support/run-cli';

// Read-back verification against the real carbon-cache and graphite-web, with storage schemas that lose the
// points the way production ones do. The stack's storage-schemas.conf gives `^health\.` 1d:10y and everything
// else the catch-all 10s:1d,1m:30d, so a prefix outside `health.` is a real schema whose retention ends before
// the sample's days (2026-08-18..2026-11-15). Other schemas are whisper files created ahead of carbon with
// Debian's whisper-create: carbon writes into an existing file whatever its schema says.

const DAY = 86400;
const SAMPLE = { from: '2026-08-18', to: '2026-11-15' };

let dataDir: string;

function env(prefix: string, extra: Record<string, string> = {}): Record<string, string> {
  const stack = integrationStack();
  return {
    HEALTHLAKE_DATA_DIR: dataDir,
    HEALTHLAKE_PREFIX: prefix,
    CARBON_HOST: '127.0.0.1',
    CARBON_PORT: String(stack.carbonPort),
    STATSD_HOST: '127.0.0.1',
    STATSD_PORT: String(stack.statsdPort),
    GRAPHITE_URL: stack.graphiteUrl,
    HEALTHLAKE_VERIFY_POLL_MS: '100',
    ...extra,
  };
}

/** Creates every daily metric's whisper file under `prefix` with these archives, before carbon does. */
function createWhisperFiles(prefix: string, archives: string[], options: string[] = []): void {
  for (const metric of DAILY_METRICS) {
    const file = path.join(integrationStack().root, 'whisper', ...`${prefix}.${metric}`.split('.')) + '.wsp';
    fs.mkdirSync(path.dirname(file), { recursive: true });
    execFileSync('/usr/bin/whisper-create', [file, ...archives, ...options]);
  }
}

describe('read-back verification against the real Graphite', () => {
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-it-verify-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('fails a collect whose schema keeps only 30 days, naming the retention, each metric and day, and the fix', async () => {
    const prefix = 'it_verify.retention';
    const run = await runCli(['collect', '--source', 'sample'], env(prefix));

    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 1, stdout: '' });
    const kept = await graphiteClient().render(`${prefix}.steps`, { from: '-60d' });
    const keptFrom = kept[0]?.datapoints[0]?.[1] as number;
    const lastLost = new Date((keptFrom - (keptFrom % DAY)) * 1000).toISOString().slice(0, 10);
    expect(run.stderr).toMatch(
      /^healthlake: Graphite confirmed \d+ of 709 points written to carbon \(read back through http:\/\/127\.0\.0\.1:\d+, [\d.]+ s\); \d+ are not there as sent:\n/,
    );
    expect(run.stderr).toMatch(
      /- \d+ points: the storage schema keeps these metrics for 30 days only \(from /,
    );
    expect(run.stderr).toContain("whisper drops a point older than its file's retention without a trace");
    expect(run.stderr).toContain('`pattern = ^it_verify\\.retention\\.`, `retentions = 1d:10y`');
    expect(run.stderr).toContain('    it_verify.retention.steps 2026-08-18: sent ');
    expect(run.stderr).toContain(`it_verify.retention.worked: `);
    expect(run.stderr).toContain(
      'Nothing is lost: the data is safe in the archive. Once Graphite keeps them, run ' +
        `\`healthlake replay --from 2026-08-18 --to ${lastLost}\` to send it.\n`,
    );
    // The days inside the retention were confirmed: the failure is about the lost ones only.
    expect(run.stderr).not.toContain(`it_verify.retention.steps 2026-11-15:`);
  }, 120_000);

  it('--no-verify skips the read-back: the same replay exits 0 and says it was not verified', async () => {
    const run = await runCli(
      ['replay', '--from', SAMPLE.from, '--to', SAMPLE.to, '--no-verify'],
      env('it_verify.retention'),
    );
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(
      /^90 days 2026-08-18\.\.2026-11-15, 709 points written, not verified \(--no-verify\), 0 input records skipped/,
    );
  }, 60_000);

  it('names xFilesFactor when the daily points sit in a finer archive but a long render reads the roll-up', async () => {
    // 1h slots back to 2026-10-31 (whatever today is), then 1d slots, xFilesFactor 0.5 (whisper's default):
    // one point in 24 slots never reaches the 1d archive.
    const prefix = 'it_verify.xff';
    const hourly = Math.ceil((Date.now() / 1000 - Date.parse('2026-10-31T00:00:00Z') / 1000) / DAY);
    createWhisperFiles(
      prefix,
      [`1h:${hourly}d`, '1d:5y'],
      ['--xFilesFactor=0.5', '--aggregationMethod=average'],
    );
    const run = await runCli(
      ['replay', '--from', SAMPLE.from, '--to', SAMPLE.to],
      env(prefix, { HEALTHLAKE_VERIFY_WAIT_MS: '10000' }),
    );

    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(
      /- \d+ points: the points are in the 1h archive but empty in the 1d archive that a render over the written days reads/,
    );
    expect(run.stderr).toContain('Set `xFilesFactor = 0` and `aggregationMethod = last`');
    expect(run.stderr).toMatch(/it_verify\.xff\.steps 2026-11-(0[1-9]|1[0-5]): sent \d+, Graphite has none/);
    expect(run.stderr).not.toMatch(/it_verify\.xff\.steps 2026-(08|09)-/);
  }, 120_000);

  it('names a step coarser than a day', async () => {
    const prefix = 'it_verify.weekly';
    createWhisperFiles(prefix, ['7d:5y']);
    const run = await runCli(['replay', '--from', SAMPLE.from, '--to', SAMPLE.to], env(prefix));

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /- 709 points: Graphite stores these metrics at a 7d step, coarser than a day: several days share one slot/,
    );
  }, 60_000);

  it("reads today's statsD gauges back under stats.gauges.<prefix>.* after a flush", async () => {
    const prefix = 'it_verify.live';
    const today = new Date().toISOString().slice(0, 10);
    await new Archive(dataDir).writeDay('sample', {
      date: today,
      steps: 4321,
      restingHeartRate: 58,
      worked: 1,
    });
    const run = await runCli(
      [
        'replay',
        '--from',
        today,
        '--to',
        today,
        '--sink',
        'carbon',
        '--sink',
        'statsd',
        '--time-zone',
        'UTC',
      ],
      env(prefix, { HEALTHLAKE_VERIFY_WAIT_MS: '30000' }),
    );

    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(
      new RegExp(
        `^1 days ${today}\\.\\.${today}, 3 points written \\(3 to carbon, 3 to statsd\\), 3 confirmed in Graphite, ` +
          '3 statsD gauges seen in Graphite, 0 input records skipped',
      ),
    );
    const gauges = await graphiteClient().render(
      ['steps', 'heart.resting', 'worked'].map((m) => `stats.gauges.${prefix}.${m}`),
      { from: '-5min' },
    );
    expect(gauges.map((s) => [s.target, s.datapoints.some(([v]) => v !== null)])).toEqual([
      [`stats.gauges.${prefix}.steps`, true],
      [`stats.gauges.${prefix}.heart.resting`, true],
      [`stats.gauges.${prefix}.worked`, true],
    ]);
  }, 60_000);
});
