import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GraphiteSeries } from '../../src/clients/graphite';
import { DAILY_METRICS, type DailyMetric } from '../../src/metrics/metric-names';
import { generateSampleExport } from '../../src/sources/sample/generate-export';
import {
  setCompressionMethod,
  zipBuffer,
  zipEntryLocations,
  type ZipEntrySpec,
} from '../../src/sources/takeout/takeout-fixture';
import { graphiteClient } from '../support/graphite-fixtures';
import { integrationStack, pollUntil } from '../support/integration-stack';
import { runCli } from '../support/run-cli';

// Damaged exports through the built CLI into the real carbon + graphite-web. A generated export (three weeks,
// 2026-09-16..10-06, Europe/Berlin, with the periods real exports have) is collected once whole, as a folder
// and as a zip; then once per damage, each into its own metric prefix. For every damage: exit 5, a warning
// naming the file and the records lost, no point for the affected days and metrics in Graphite or summary.csv,
// and every other day and metric exactly as in the undamaged run.

const METRICS = DAILY_METRICS;
type Metric = DailyMetric;
type Table = Map<string, Partial<Record<Metric, string>>>;

const FROM = '2026-09-16';
const TO = '2026-10-06';
const G = 'Global Export Data/';
const ROOT_IN_ZIP = 'Takeout/Fitbit/';
const utcMidnight = (date: string) => Date.parse(`${date}T00:00:00Z`) / 1000;
const RANGE = { from: String(utcMidnight(FROM) - 1), until: String(utcMidnight('2026-10-07')) };
const datesFrom = (from: string, to: string) => {
  const out: string[] = [];
  for (let t = utcMidnight(from); t <= utcMidnight(to); t += 86400)
    out.push(new Date(t * 1000).toISOString().slice(0, 10));
  return out;
};

/** summary.csv as the exact text of each non-empty cell. */
function readSummary(file: string): Table {
  const [header, ...rows] = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  expect(header).toBe(['date', ...METRICS].join(','));
  return new Map(
    rows.map((row) => {
      const [date, ...cells] = row.split(',');
      const values: Partial<Record<Metric, string>> = {};
      cells.forEach((cell, i) => {
        if (cell !== '') values[METRICS[i]!] = cell;
      });
      return [date!, values];
    }),
  );
}

/** Graphite's points of a prefix, by date, once it holds exactly as many points per metric as summary.csv. */
async function graphiteTable(
  prefix: string,
  summary: Table,
): Promise<Map<string, Partial<Record<Metric, number>>>> {
  const expected = new Map(
    METRICS.map((m) => [m, [...summary.values()].filter((v) => v[m] !== undefined).length]),
  );
  const series: GraphiteSeries[] = await pollUntil(
    () =>
      graphiteClient().render(
        METRICS.map((m) => `${prefix}.${m}`),
        RANGE,
      ),
    (s) =>
      [...expected.values()].every((n, i) => {
        const found = s.find((x) => x.target === `${prefix}.${METRICS[i]}`);
        return (found?.datapoints.filter(([v]) => v !== null).length ?? 0) === n;
      }),
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  const table = new Map<string, Partial<Record<Metric, number>>>();
  for (const s of series) {
    const metric = s.target.slice(prefix.length + 1) as Metric;
    for (const [value, ts] of s.datapoints) {
      if (value === null) continue;
      const date = new Date(ts * 1000).toISOString().slice(0, 10);
      table.set(date, { ...table.get(date), [metric]: value });
    }
  }
  return table;
}

interface Damage {
  name: string;
  /** Damages the copy of the export (a folder, or the zip's entries). */
  damage: (exportDir: string) => void;
  zip?: (entries: ZipEntrySpec[]) => ZipEntrySpec[];
  patchZip?: (zip: Buffer) => void;
  /** The warning: file and a pattern of its message. */
  file: string;
  message: RegExp;
  /** Affected metrics by date. */
  withheld: Record<string, readonly Metric[]>;
}

const HEART: readonly Metric[] = ['heart.average', 'heart.max_sustained'];

function member(exportDir: string, name: string): string {
  return path.join(exportDir, 'Takeout', 'Fitbit', ...name.split('/'));
}

/** Replaces a file of a hard-linked copy with new bytes (writing through the link would damage the original). */
function replaceFile(exportDir: string, name: string, change: (text: string) => string): void {
  const file = member(exportDir, name);
  const text = fs.readFileSync(file, 'utf8');
  fs.rmSync(file);
  fs.writeFileSync(file, change(text));
}

const CASES: Damage[] = [
  {
    name: 'an empty heart-rate file',
    damage: (dir) => replaceFile(dir, `${G}heart_rate-2026-09-22.json`, () => ''),
    file: `${G}heart_rate-2026-09-22.json`,
    message:
      /^not read whole: the file is empty \(0 bytes\), expected a JSON array; no record of it could be read; withheld: heart\.average, heart\.max_sustained on 2026-09-22$/,
    withheld: { '2026-09-22': HEART },
  },
  {
    name: 'a missing heart-rate file',
    damage: (dir) => fs.rmSync(member(dir, `${G}heart_rate-2026-09-23.json`)),
    file: `${G}heart_rate-2026-09-23.json`,
    message:
      /^missing: the day has a resting heart rate \(the tracker was worn\) but no heart-rate file covers it, so all of that day's heart-rate records are lost; withheld: heart\.average, heart\.max_sustained on 2026-09-23$/,
    withheld: { '2026-09-23': HEART },
  },
  {
    name: 'a misnamed heart-rate file',
    damage: (dir) =>
      fs.renameSync(
        member(dir, `${G}heart_rate-2026-09-24.json`),
        member(dir, `${G}heart_rate-2026-9-24.json`),
      ),
    file: `${G}heart_rate-2026-9-24.json`,
    message:
      /^not read whole: named like a heart_rate file, but "2026-9-24" is not a calendar date YYYY-MM-DD, so its period is unknown; none of the 2\d{3} records read from it is used; withheld: heart\.average, heart\.max_sustained on 2026-09-24$/,
    withheld: { '2026-09-24': HEART },
  },
  {
    name: 'a truncated monthly steps file',
    damage: (dir) =>
      replaceFile(dir, `${G}steps-2026-10-01.json`, (text) => text.slice(0, Math.floor(text.length / 2))),
    file: `${G}steps-2026-10-01.json`,
    message:
      /^not read whole: unreadable from record \d+ on \(.+\); none of the \d+ records read from it is used; withheld: steps on 2026-10-01\.\.2026-10-06$/,
    withheld: Object.fromEntries(datesFrom('2026-10-01', '2026-10-06').map((d) => [d, ['steps'] as const])),
  },
  {
    name: 'a monthly sleep file holding an object, not an array',
    damage: (dir) => replaceFile(dir, `${G}sleep-2026-09-16.json`, (text) => `{ "sleep" : ${text} }`),
    file: `${G}sleep-2026-09-16.json`,
    message:
      /^not read whole: the file does not hold a JSON array; no record of it could be read; withheld: sleep\.minutes_before, sleep\.longest_episode on 2026-09-16\.\.2026-09-30; sleep\.minutes_after on 2026-09-16\.\.2026-09-29$/,
    withheld: Object.fromEntries(
      datesFrom('2026-09-16', '2026-09-30').map((d) => [
        d,
        d === '2026-09-30'
          ? (['sleep.minutes_before', 'sleep.longest_episode'] as const)
          : (['sleep.minutes_before', 'sleep.minutes_after', 'sleep.longest_episode'] as const),
      ]),
    ),
  },
  {
    name: 'an unreadable zip member (a compression method no reader supports)',
    damage: () => {},
    patchZip: (zip) => {
      const entry = zipEntryLocations(zip).find(
        (e) => e.name === `${ROOT_IN_ZIP}${G}heart_rate-2026-09-26.json`,
      )!;
      setCompressionMethod(zip, entry, 12);
    },
    file: `${G}heart_rate-2026-09-26.json`,
    message:
      /^not read whole: cannot read the file: .*compression method.*; no record of it could be read; withheld: heart\.average, heart\.max_sustained on 2026-09-26$/,
    withheld: { '2026-09-26': HEART },
  },
  {
    name: 'a corrupt zip member (damaged deflate data)',
    damage: () => {},
    patchZip: (zip) => {
      const entry = zipEntryLocations(zip).find(
        (e) => e.name === `${ROOT_IN_ZIP}${G}heart_rate-2026-09-27.json`,
      )!;
      const middle = entry.dataStart + Math.floor(entry.compressedSize / 2);
      zip.fill(0xff, middle, middle + 64);
    },
    file: `${G}heart_rate-2026-09-27.json`,
    message:
      /^not read whole: (unreadable from record \d+ on \(cannot read the file: .+\); none of the \d+ records read from it is used|.+); withheld: heart\.average, heart\.max_sustained on 2026-09-27$/,
    withheld: { '2026-09-27': HEART },
  },
  {
    name: 'a flipped byte in a stored zip member (still valid JSON: only the CRC tells)',
    damage: () => {},
    zip: (entries) =>
      entries.map((e) =>
        e.name === `${ROOT_IN_ZIP}${G}heart_rate-2026-09-28.json` ? { ...e, compress: false } : e,
      ),
    patchZip: (zip) => {
      const entry = zipEntryLocations(zip).find(
        (e) => e.name === `${ROOT_IN_ZIP}${G}heart_rate-2026-09-28.json`,
      )!;
      const at = zip.indexOf('"bpm" : ', entry.dataStart) + 8;
      zip[at] = zip[at] === 0x36 ? 0x37 : 0x36; // one digit of one bpm: 6x <-> 7x
    },
    file: `${G}heart_rate-2026-09-28.json`,
    message:
      /^not read whole: unreadable from record \d+ on \(cannot read the file: CRC-32 mismatch: .*\(a corrupt member\)\); none of the \d+ records read from it is used; withheld: heart\.average, heart\.max_sustained on 2026-09-28$/,
    withheld: { '2026-09-28': HEART },
  },
];

interface LogLine {
  level: number;
  msg: string;
  file?: string;
}

/** Hard-links every file of `from` into `to` (cheap copies; a damage replaces a file, never writes through). */
function linkTree(from: string, to: string): void {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const a = path.join(from, entry.name);
    const b = path.join(to, entry.name);
    if (entry.isDirectory()) {
      fs.mkdirSync(b, { recursive: true });
      linkTree(a, b);
    } else fs.linkSync(a, b);
  }
}

function zipEntriesOf(exportDir: string): ZipEntrySpec[] {
  const entries: ZipEntrySpec[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const entry of fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name), `${prefix}${entry.name}/`);
      else
        entries.push({
          name: `${prefix}${entry.name}`,
          content: fs.readFileSync(path.join(dir, entry.name)),
        });
    }
  };
  walk(path.join(exportDir, 'Takeout'), 'Takeout/');
  return entries;
}

describe('collect of damaged exports into the real Graphite', () => {
  let root: string;
  let baseDir: string;
  let baseline: Table;

  const collect = (exportPath: string, name: string) => {
    const stack = integrationStack();
    const workingDays = path.join(baseDir, 'working-days.csv');
    const args = ['--path', exportPath, '--working-days', workingDays, '--from', FROM, '--to', TO];
    return runCli(['collect', '--source', 'takeout', ...args], {
      HEALTHLAKE_DATA_DIR: path.join(root, `data-${name}`),
      HEALTHLAKE_PREFIX: `health.it_damaged.${name}`,
      CARBON_HOST: '127.0.0.1',
      CARBON_PORT: String(stack.carbonPort),
      GRAPHITE_URL: stack.graphiteUrl,
    });
  };

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-it-damaged-'));
    baseDir = path.join(root, 'export');
    generateSampleExport({ outDir: baseDir, endDate: TO, days: 21, heartIntervalSeconds: 30 });
    const run = await collect(baseDir, 'whole');
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    baseline = readSummary(path.join(root, 'data-whole', 'summary.csv'));
  }, 120_000);
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('has every metric of the undamaged export in Graphite as in summary.csv, from the folder and the zip alike', async () => {
    expect([...baseline.keys()]).toEqual(datesFrom(FROM, TO));
    // The export's own gaps (a day off wrist, a night without a log) are not damage: no warning, exit 0.
    expect(Object.keys(baseline.get('2026-09-20')!)).toEqual(['sleep.minutes_after', 'worked']);
    const graphite = await graphiteTable('health.it_damaged.whole', baseline);
    for (const [date, values] of baseline) {
      for (const metric of METRICS)
        expect([date, metric, graphite.get(date)?.[metric]]).toEqual([
          date,
          metric,
          values[metric] === undefined ? undefined : Number(values[metric]),
        ]);
    }
    const zipFile = path.join(root, 'whole.zip');
    fs.writeFileSync(zipFile, await zipBuffer(zipEntriesOf(baseDir)));
    const run = await collect(zipFile, 'whole_zip');
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(readSummary(path.join(root, 'data-whole_zip', 'summary.csv'))).toEqual(baseline);
  }, 120_000);

  it.each(CASES.map((c) => [c.name, c] as const))(
    '%s: no point for what it touches, every other day as before, exit 5',
    async (_, c) => {
      const name = c.name.replace(/[^a-z]+/g, '_').slice(0, 40);
      const dir = path.join(root, `export-${name}`);
      linkTree(baseDir, dir);
      c.damage(dir);
      let exportPath = dir;
      if (c.patchZip) {
        const zip = await zipBuffer((c.zip ?? ((e) => e))(zipEntriesOf(dir)));
        c.patchZip(zip);
        exportPath = path.join(root, `${name}.zip`);
        fs.writeFileSync(exportPath, zip);
      }
      const run = await collect(exportPath, name);
      expect(run.code).toBe(5);
      const warnings = run.stderr
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as LogLine)
        .filter((l) => l.level === 40);
      expect(warnings).toEqual([
        expect.objectContaining({
          file: c.file,
          msg: expect.stringMatching(new RegExp(`^skipped input: ${c.message.source.slice(1)}`)),
        }),
      ]);

      const summary = readSummary(path.join(root, `data-${name}`, 'summary.csv'));
      const graphite = await graphiteTable(`health.it_damaged.${name}`, summary);
      const differences: string[] = [];
      for (const [date, before] of baseline) {
        for (const metric of METRICS) {
          const affected = (c.withheld[date] ?? []).includes(metric);
          const want = affected ? undefined : before[metric];
          const inCsv = summary.get(date)?.[metric];
          const inGraphite = graphite.get(date)?.[metric];
          if (inCsv !== want || inGraphite !== (want === undefined ? undefined : Number(want))) {
            differences.push(`${date} ${metric}: csv ${inCsv}, graphite ${inGraphite}, expected ${want}`);
          }
        }
      }
      expect(differences).toEqual([]);
      // Not vacuous: the affected metrics had values in the undamaged run.
      const hadValues = Object.entries(c.withheld).flatMap(([d, ms]) =>
        ms.filter((m) => baseline.get(d)?.[m] !== undefined),
      );
      expect(hadValues.length).toBeGreaterThan(0);
    },
    120_000,
  );
});
