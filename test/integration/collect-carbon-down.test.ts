import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { graphiteClient } from '../support/graphite-fixtures';
import { integrationStack, pollUntil } from '../support/integration-stack';
import { freeTcpPort } from '../support/ports';
import { DAILY_METRICS } from '../../src/metrics/metric-names';
import { runCli } from '../support/run-cli';
import { graphiteCells, summaryCells } from '../support/collect-fixtures';

// Carbon is down during collect: the run fails with exit 1 and says how to send the days later; the archive and
// summary.csv hold them already. `healthlake replay` then delivers exactly those values to the real Graphite.

const PREFIX = 'health.it_down';
const FROM = '2026-11-01';
const TO = '2026-11-07';
const METRICS = DAILY_METRICS;
const DATES = [
  '2026-11-01',
  '2026-11-02',
  '2026-11-03',
  '2026-11-04',
  '2026-11-05',
  '2026-11-06',
  '2026-11-07',
];
const utcMidnight = (date: string) => Date.parse(`${date}T00:00:00Z`) / 1000;

describe('collect while carbon is down, then replay', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-it-down-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const env = (carbonPort: number) => ({
    HEALTHLAKE_DATA_DIR: dataDir,
    HEALTHLAKE_PREFIX: PREFIX,
    CARBON_HOST: '127.0.0.1',
    CARBON_PORT: String(carbonPort),
    GRAPHITE_URL: integrationStack().graphiteUrl,
  });

  it('fails with exit 1 naming the replay command, keeps the days, and replay delivers them', async () => {
    const deadPort = await freeTcpPort();
    const failed = await runCli(['collect', '--source', 'sample', '--from', FROM, '--to', TO], env(deadPort));
    expect(failed).toEqual({
      code: 1,
      stdout: '',
      stderr:
        `healthlake: Carbon is unreachable at 127.0.0.1:${deadPort} (ECONNREFUSED): is carbon-cache running, and ` +
        'is this its plaintext (line receiver) port?\n' +
        'Nothing is lost: the data is safe in the archive. Once carbon is up, run ' +
        `\`healthlake replay --from ${FROM} --to ${TO}\` to send it.\n`,
    });

    // The archive has each source's days, plus the day after the range (its night is 11-07's sleep after).
    const archived = (source: string) => fs.readdirSync(path.join(dataDir, 'archive', source, '2026')).sort();
    const withNextDay = [...DATES, '2026-11-08'].map((d) => `${d}.json`);
    expect(archived('sample')).toEqual(withNextDay);
    expect(archived('working-days')).toEqual(withNextDay);
    const summaryFile = path.join(dataDir, 'summary.csv');
    const summaryBytes = fs.readFileSync(summaryFile, 'utf8');
    const cells = summaryCells(summaryFile);
    // The week has no gap day: every metric on every day.
    expect(Object.keys(cells).sort()).toEqual(DATES.flatMap((d) => METRICS.map((m) => `${d} ${m}`)).sort());
    // Nothing reached Graphite.
    expect(await graphiteClient().find(`${PREFIX}.*`)).toEqual([]);

    const stack = integrationStack();
    const replay = await runCli(['replay', '--from', FROM, '--to', TO], env(stack.carbonPort));
    expect(replay.code).toBe(0);
    expect(replay.stderr).toBe('');
    expect(replay.stdout).toMatch(
      /^7 days 2026-11-01\.\.2026-11-07, 56 points written, 56 confirmed in Graphite, 0 input records skipped/,
    );
    // Replay re-derives from the archive: summary.csv comes out byte-identical.
    expect(fs.readFileSync(summaryFile, 'utf8')).toBe(summaryBytes);

    const range = { from: String(utcMidnight(FROM) - 1), until: String(utcMidnight('2026-11-08')) };
    const series = await pollUntil(
      () =>
        graphiteClient().render(
          METRICS.map((m) => `${PREFIX}.${m}`),
          range,
        ),
      (s) =>
        s.length === METRICS.length && s.every((x) => x.datapoints.filter(([v]) => v !== null).length === 7),
      { timeoutMs: 30000, intervalMs: 200 },
    );
    expect(graphiteCells(series, PREFIX)).toEqual(cells);
  }, 120_000);
});
