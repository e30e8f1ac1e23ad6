/**
 * Done-when of the Google Health source: from one generated data set, the API source (recorded API shapes,
 * served by nock) and the Takeout source derive the same metrics, by the same definitions, for every day.
 *
 * The one representational difference: the export records resting heart rate with decimals (57.13), the API
 * as an int64 (57), so the API's `heart.resting` is compared with the export's value rounded.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { Archive } from '../../src/archive/archive';
import { GoogleHealthClient } from '../../src/clients/google-health/client';
import { deriveDays } from '../../src/metrics/derive';
import { DAILY_METRICS, type DailyMetrics } from '../../src/metrics/metric-names';
import {
  readGoogleHealth,
  type GoogleHealthResult,
} from '../../src/sources/google-health/read-google-health';
import { generateSampleExport, type SampleExport } from '../../src/sources/sample/generate-export';
import { readTakeout } from '../../src/sources/takeout';
import {
  googleHealthDataFromExport,
  serveGoogleHealth,
  type RecordedRequest,
} from '../support/google-health-fixtures';

// The last 7 days (2026-10-23..29) hold the DST change (10-25, 25 hours, a night that starts in the repeated
// hour), the heart-rate gap (10-24) and the night without a sleep log (10-27); the unworn day (10-22) is in the
// full 10-day window.
const END = '2026-10-29';
// Midday in Berlin on END: "today" for the default window.
const NOW = Date.parse(`${END}T11:00:00Z`);

let tmp: string;
let sample: SampleExport;
let server: ReturnType<typeof serveGoogleHealth>;
/** The default read (no range: the last 7 days), done once: each read is a few seconds under jest. */
let defaultRead: GoogleHealthResult;
let defaultRequests: RecordedRequest[];

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'healthlake-gh-equivalence-'));
  sample = generateSampleExport({ outDir: path.join(tmp, 'export'), endDate: END, days: 10 });
  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
  server = serveGoogleHealth(googleHealthDataFromExport(sample.fitbitDir, sample.timeZone));
  defaultRead = await readGoogleHealth({
    client: client(),
    archive: new Archive(path.join(tmp, 'data')),
    now: () => NOW,
  });
  defaultRequests = [...server.requests];
}, 60_000);

afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  nock.restore();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const client = () =>
  new GoogleHealthClient({
    accessToken: async () => 'ya29.equivalence-test',
    retries: 0,
    requestsPerMinute: 60_000,
  });

/** The Takeout metrics with the resting rate as the API can carry it (whole beats per minute). */
function asApiCarriesThem(metrics: DailyMetrics[]): DailyMetrics[] {
  return metrics.map(({ date, values }) => {
    const resting = values['heart.resting'];
    return {
      date,
      values: resting === undefined ? values : { ...values, 'heart.resting': Math.round(resting) },
    };
  });
}

async function compare(api: GoogleHealthResult, range: { from: string; to: string }, readRange = range) {
  const takeout = await readTakeout({ path: sample.root, range: readRange });
  expect(api.warnings).toEqual([]);
  expect(takeout.warnings).toEqual([]);
  expect(api.timeZone).toBe(takeout.timeZone);
  const fromApi = deriveDays(api.days, range);
  const fromExport = deriveDays(takeout.days, range);
  expect(fromApi).toEqual(asApiCarriesThem(fromExport));
  return { api, fromApi };
}

describe('Google Health API source vs Takeout source, one generated data set', () => {
  it('derives the same metrics for every day of the default window (the last 7 days)', async () => {
    const window = { from: '2026-10-23', to: END };
    const { api, fromApi } = await compare(defaultRead, window);
    expect(api.range).toEqual(window);
    expect(fromApi.map((d) => d.date)).toEqual(sample.days.slice(3).map((d) => d.date));
    // Not vacuous: every metric the API gives (all but `worked`, from the working-days file) has values.
    for (const metric of DAILY_METRICS.filter((m) => m !== 'worked')) {
      expect(fromApi.filter((d) => d.values[metric] !== undefined).length).toBeGreaterThan(0);
    }
    // The DST day, the heart gap and the missing sleep log are inside the window.
    expect(sample.dstDates).toContain('2026-10-25');
    expect([sample.heartGapDate, sample.noSleepLogDate]).toEqual(['2026-10-24', '2026-10-27']);
    expect(fromApi.find((d) => d.date === '2026-10-27')?.values['sleep.minutes_before']).toBeUndefined();
  });

  it('asks for what Google documents: one rollup, one resting and one sleep stream, a heart stream per day', async () => {
    const summary = defaultRequests.map((r) => `${r.method} ${r.path.replace('/v4/users/me/', '')}`);
    const heart = (s: string) => s.endsWith('/heart-rate/dataPoints:reconcile');
    expect(summary.filter(heart)).toHaveLength(7);
    expect(summary.filter((s) => s !== 'GET settings' && !heart(s)).sort()).toEqual([
      'GET dataTypes/daily-resting-heart-rate/dataPoints:reconcile',
      'GET dataTypes/sleep/dataPoints:reconcile',
      'POST dataTypes/steps/dataPoints:dailyRollUp',
    ]);
    const sleep = defaultRequests.find((r) => r.path.endsWith('/sleep/dataPoints:reconcile'));
    expect(sleep?.query).toEqual({
      filter:
        'sleep.interval.civil_end_time >= "2026-10-23" AND sleep.interval.civil_end_time < "2026-10-30"',
      pageSize: '25',
    });
    expect(defaultRead.inputs).toBe(defaultRequests.length);
    // Every answer was archived as received.
    const rawDir = path.join(tmp, 'data', 'raw', 'google-health', END);
    expect(fs.readdirSync(rawDir)).toHaveLength(defaultRequests.length);
    expect(fs.readdirSync(rawDir)).toContain('heart-rate-2026-10-25-1.json');
  });

  it('derives the same metrics over all 10 days, with D+1 read for sleep after (as collect reads)', async () => {
    const range = { from: sample.startDate, to: '2026-10-28' };
    const readRange = { from: range.from, to: END };
    const api = await readGoogleHealth({ client: client(), range: readRange, now: () => NOW });
    const { fromApi } = await compare(api, range, readRange);
    expect(sample.unwornDate).toBe('2026-10-22');
    // Not worn: only the next night's sleep (sleep.minutes_after) is known for it.
    expect(Object.keys(fromApi.find((d) => d.date === '2026-10-22')?.values ?? {})).toEqual([
      'sleep.minutes_after',
    ]);
    expect(fromApi.find((d) => d.date === '2026-10-28')?.values['sleep.minutes_after']).toBeGreaterThan(0);
  });

  it('derives identical day records apart from the rounded resting rate', async () => {
    const takeout = await readTakeout({ path: sample.root, range: defaultRead.range });
    const rounded = [...takeout.days.values()].map((d) =>
      d.restingHeartRate === undefined ? d : { ...d, restingHeartRate: Math.round(d.restingHeartRate) },
    );
    expect([...defaultRead.days.values()]).toEqual(rounded);
  });
});
