import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateSampleExport, type SampleExport } from '../../src/sources/sample/generate-export';
import { zipBuffer, zipEntryLocations, type ZipEntrySpec } from '../../src/sources/takeout/takeout-fixture';
import { runCli, type CliResult } from '../support/run-cli';

// The import on worker threads gives what it gives on one thread, byte for byte: the carbon lines, summary.csv,
// every archive file, the warnings and the exit code, through the built CLI (the workers run dist/'s compiled
// worker) with HEALTHLAKE_IMPORT_THREADS=1 and =2. On the bundled sample, and on damaged exports (a folder and
// a zip), where a damaged file falls back to the streaming parser, which keeps the records before the break.

interface Outputs {
  code: number;
  carbonLines: string;
  summary: string;
  archive: Record<string, string>;
  warnings: Array<{ file?: string; msg: string }>;
  threads: number[];
}

interface LogLine {
  level: number;
  msg: string;
  file?: string;
  threads?: number;
}

function filesUnder(dir: string, prefix = ''): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) =>
      e.isDirectory() ? filesUnder(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
    );
}

function outputsOf(run: CliResult, dataDir: string): Outputs {
  const logs = run.stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);
  const archiveDir = path.join(dataDir, 'archive');
  return {
    code: run.code,
    carbonLines: run.stdout,
    summary: fs.readFileSync(path.join(dataDir, 'summary.csv'), 'utf8'),
    archive: Object.fromEntries(
      filesUnder(archiveDir).map((f) => [f, fs.readFileSync(path.join(archiveDir, f), 'utf8')]),
    ),
    warnings: logs.filter((l) => l.level === 40).map(({ file, msg }) => ({ file, msg })),
    threads: logs.filter((l) => l.msg === 'takeout: export read').map((l) => l.threads!),
  };
}

async function collect(dataDir: string, args: string[], threads: number): Promise<Outputs> {
  const run = await runCli(['collect', ...args, '--sink', 'stdout'], {
    HEALTHLAKE_DATA_DIR: dataDir,
    HEALTHLAKE_IMPORT_THREADS: String(threads),
    HEALTHLAKE_LOG_LEVEL: 'info',
    // Self-telemetry goes to a port where nothing listens.
    STATSD_PORT: '9',
  });
  return outputsOf(run, dataDir);
}

/** Runs the same collect on one thread and on two; both outputs, after checking the thread counts. */
async function bothWays(root: string, name: string, args: string[]): Promise<[Outputs, Outputs]> {
  const one = await collect(path.join(root, `data-${name}-1`), args, 1);
  const two = await collect(path.join(root, `data-${name}-2`), args, 2);
  expect(one.threads).toEqual([1]);
  expect(two.threads).toEqual([2]);
  return [one, two];
}

/** The offset just after the `count`-th record of a classic file as the sample writes it (`\n}` then `,`). */
function afterRecord(text: string, count: number): number {
  let at = -1;
  for (let i = 0; i < count; i++) at = text.indexOf('\n},', at + 1);
  return at + 2;
}

describe('collect on worker threads and on one thread: the same bytes', () => {
  let root: string;
  let exportDir: SampleExport;
  const G = 'Global Export Data/';

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-e2e-threads-'));
    exportDir = generateSampleExport({
      outDir: path.join(root, 'export'),
      endDate: '2026-10-06',
      days: 21,
      heartIntervalSeconds: 30,
    });
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('on the bundled sample', async () => {
    const one = await collect(path.join(root, 'sample-1'), ['--source', 'sample'], 1);
    // The second run reads the sample the first generated (a copy of its folder), not one of its own.
    fs.cpSync(path.join(root, 'sample-1', 'sample-export'), path.join(root, 'sample-2', 'sample-export'), {
      recursive: true,
    });
    const two = await collect(path.join(root, 'sample-2'), ['--source', 'sample'], 2);
    expect([one.threads, two.threads]).toEqual([[1], [2]]);
    expect(one.code).toBe(0);
    expect(Object.keys(one.archive).length).toBeGreaterThan(90);
    expect(one.carbonLines.split('\n').length).toBeGreaterThan(700);
    expect(two).toEqual({ ...one, threads: [2] });
  }, 120_000);

  it('on a damaged folder: truncated files keep their records before the break, odd records read alike', async () => {
    const dir = path.join(root, 'damaged');
    fs.cpSync(exportDir.root, dir, { recursive: true });
    const file = (name: string) => path.join(dir, 'Takeout', 'Fitbit', ...name.split('/'));
    // A heart-rate file cut in its 101st record, and a monthly steps file cut in its middle.
    const heart = fs.readFileSync(file(`${G}heart_rate-2026-09-22.json`), 'utf8');
    fs.writeFileSync(file(`${G}heart_rate-2026-09-22.json`), heart.slice(0, afterRecord(heart, 100) + 25));
    const steps = fs.readFileSync(file(`${G}steps-2026-10-01.json`), 'utf8');
    fs.writeFileSync(file(`${G}steps-2026-10-01.json`), steps.slice(0, Math.floor(steps.length / 2)));
    // Records off the usual shape (keys swapped, a string bpm, an implausible one): read by JSON.parse.
    const odd = fs
      .readFileSync(file(`${G}heart_rate-2026-09-25.json`), 'utf8')
      .replace('"dateTime"', '"dateTime" ')
      .replace(/"bpm" : (\d+)/, '"bpm" : "$1"')
      .replace(/"bpm" : (\d+),\n {4}"confidence" : (\d+)/, '"confidence" : $2,\n    "bpm" : 999');
    fs.writeFileSync(file(`${G}heart_rate-2026-09-25.json`), odd);

    const [one, two] = await bothWays(root, 'damaged', ['--source', 'takeout', '--path', dir]);
    expect(one.code).toBe(5);
    expect(one.warnings).toEqual(
      expect.arrayContaining([
        {
          file: `${G}heart_rate-2026-09-22.json`,
          msg: expect.stringMatching(
            /^skipped input: not read whole: unreadable from record 100 on \(.+\); none of the 100 records read from it is used; withheld: heart\.average, heart\.max_sustained on 2026-09-22$/,
          ) as string,
        },
        {
          file: `${G}steps-2026-10-01.json`,
          msg: expect.stringMatching(
            /^skipped input: not read whole: unreadable from record \d+ on/,
          ) as string,
        },
        expect.objectContaining({ file: `${G}heart_rate-2026-09-25.json` }),
      ]),
    );
    expect(two).toEqual({ ...one, threads: [2] });
  }, 120_000);

  it('on a damaged zip: a member that does not inflate, one that fails its CRC, one cut short', async () => {
    const entries: ZipEntrySpec[] = filesUnder(path.join(exportDir.root, 'Takeout')).map((name) => {
      const content = fs.readFileSync(path.join(exportDir.root, 'Takeout', name));
      const stored = name.endsWith('heart_rate-2026-09-28.json');
      const cut = name.endsWith('heart_rate-2026-09-29.json');
      return {
        name: `Takeout/${name}`,
        content: cut ? content.subarray(0, afterRecord(content.toString(), 50) + 10) : content,
        compress: !stored,
      };
    });
    const zip = await zipBuffer(entries);
    const at = (member: string) =>
      zipEntryLocations(zip).find((e) => e.name === `Takeout/Fitbit/${G}${member}`)!;
    const deflated = at('heart_rate-2026-09-27.json');
    zip.fill(
      0xff,
      deflated.dataStart + Math.floor(deflated.compressedSize / 2),
      deflated.dataStart + Math.floor(deflated.compressedSize / 2) + 64,
    );
    const stored = at('heart_rate-2026-09-28.json');
    const digit = zip.indexOf('"bpm" : ', stored.dataStart) + 8;
    zip[digit] = zip[digit] === 0x36 ? 0x37 : 0x36;
    const zipFile = path.join(root, 'damaged.zip');
    fs.writeFileSync(zipFile, zip);

    const [one, two] = await bothWays(root, 'zip', ['--source', 'takeout', '--path', zipFile]);
    expect(one.code).toBe(5);
    const byFile = new Map(one.warnings.map((w) => [w.file, w.msg]));
    expect(byFile.get(`${G}heart_rate-2026-09-27.json`)).toMatch(/^skipped input: not read whole: /);
    expect(byFile.get(`${G}heart_rate-2026-09-28.json`)).toMatch(/CRC-32 mismatch/);
    expect(byFile.get(`${G}heart_rate-2026-09-29.json`)).toMatch(
      /^skipped input: not read whole: unreadable from record 50 on \(.+\); none of the 50 records read from it is used/,
    );
    expect(two).toEqual({ ...one, threads: [2] });
  }, 120_000);
});
