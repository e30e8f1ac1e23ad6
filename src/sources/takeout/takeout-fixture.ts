/**
 * Test fixtures: writes a hand-made Fitbit export into os.tmpdir(), both as a folder and as a zip (made with
 * yazl, the way Takeout ships it), so every test can run against both. Used by the tests beside it only.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { ZipFile } from 'yazl';

/** File contents by path relative to the Fitbit root, e.g. `Global Export Data/steps-2026-06-01.json`. */
export type FitbitFiles = Record<string, string>;

export interface ExportFixture {
  /** The folder holding `Takeout/` (or `Fitbit/` when made with prefix 'Fitbit/'). */
  dir: string;
  /** The same files in a zip, under the same prefix. */
  zip: string;
  /** Where the Fitbit root is inside `dir`. */
  fitbitDir: string;
  cleanup(): void;
}

export async function makeExportFixture(
  files: FitbitFiles,
  prefix = 'Takeout/Fitbit/',
): Promise<ExportFixture> {
  const base = mkdtempSync(path.join(os.tmpdir(), 'healthlake-takeout-'));
  const dir = path.join(base, 'export');
  const zipPath = path.join(base, 'takeout-20261129T000000Z-001.zip');
  const zip = new ZipFile();
  for (const [member, content] of Object.entries(files)) {
    const target = path.join(dir, prefix, ...member.split('/'));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
    zip.addBuffer(Buffer.from(content), `${prefix}${member}`);
  }
  const out = createWriteStream(zipPath);
  zip.outputStream.pipe(out);
  zip.end();
  await once(out, 'close');
  return {
    dir,
    zip: zipPath,
    fitbitDir: path.join(dir, prefix),
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}

/** An ISO UTC time as the classic export writes it: `MM/DD/YY HH:MM:SS`. */
export function fitbitTime(iso: string): string {
  const [date = '', time = ''] = iso.replace(/Z$/, '').split('T');
  const [y = '', m = '', d = ''] = date.split('-');
  return `${m}/${d}/${y.slice(2)} ${time.slice(0, 8)}`;
}

export function stepsJson(samples: Array<[string, number | string]>): string {
  return JSON.stringify(samples.map(([iso, value]) => ({ dateTime: fitbitTime(iso), value: String(value) })));
}

export function heartJson(samples: Array<[string, unknown]>): string {
  return JSON.stringify(
    samples.map(([iso, bpm]) => ({ dateTime: fitbitTime(iso), value: { bpm, confidence: 2 } })),
    null,
    1,
  );
}

/**
 * Heart-rate samples of a whole day at UTC+0 as a real daily file has them: the first at 00:00:05, the last at
 * 23:59:55 (so the file shows the day's span), `extra` in between, all at 60 bpm unless given.
 */
export function wholeDayHeart(date: string, extra: Array<[string, unknown]> = []): Array<[string, unknown]> {
  return [[`${date}T00:00:05`, 60], ...extra, [`${date}T23:59:55`, 60]];
}

export function restingJson(days: Array<[string, number]>): string {
  return JSON.stringify(
    days.map(([date, value]) => ({
      dateTime: fitbitTime(`${date}T00:00:00`),
      value: { date: fitbitTime(`${date}T00:00:00`).slice(0, 8), value, error: value === 0 ? 0 : 6.1 },
    })),
  );
}

export function profileCsv(timezone: string): string {
  return `id,full_name,date_of_birth,gender,timezone,locale\nABC123,Test User,1980-01-01,FEMALE,${timezone},de_DE\n`;
}
