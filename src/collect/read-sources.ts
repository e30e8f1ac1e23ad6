import fs from 'node:fs';
import path from 'node:path';
import { HealthlakeError, ExitCode } from '../errors';
import { addDays } from '../util/civil-date';
import type { DateRange, ProgressReporter, SourceResult } from '../sources/day-record';
import { generateSampleExport } from '../sources/sample/generate-export';
import { readTakeout } from '../sources/takeout';
import { readWorkingDays } from '../sources/working-days';
import type { Logger } from '../util/log';

export type SourceName = 'takeout' | 'sample';

export interface SourceOptions {
  source: SourceName;
  path?: string;
  range: DateRange;
  workingDays?: string;
  exportTimezone: 'utc' | 'local';
  dataDir: string;
  progress: ProgressReporter;
  log: Logger;
}

/**
 * Reads the chosen source and the working-days file. The range is widened by one day at the end because
 * `sleep.minutes_after` of D is the night that ends on D+1.
 */
export async function readSources(o: SourceOptions): Promise<SourceResult[]> {
  const readRange: DateRange = { from: o.range.from, to: o.range.to ? addDays(o.range.to, 1) : undefined };
  let exportPath = o.path;
  let workingDays = o.workingDays;
  let sourceName: string = o.source;
  if (o.source === 'sample') {
    const sample = ensureSampleExport(o.dataDir, o.log);
    exportPath = sample.root;
    workingDays ??= sample.workingDays;
  } else if (!exportPath) {
    throw new HealthlakeError(
      '--source takeout needs --path (the Takeout zip, its folder, or the Fitbit folder)',
      ExitCode.invalidInput,
    );
  }
  const health = await readTakeout({
    path: exportPath as string,
    range: readRange,
    exportTimezone: o.exportTimezone,
    progress: o.progress,
    logger: o.log,
  });
  if (o.source === 'sample') sourceName = 'sample';
  const results: SourceResult[] = [{ ...health, source: sourceName }];
  o.log.info(
    {
      source: sourceName,
      days: health.days.size,
      files: health.inputs,
      timeZone: health.timeZone,
      skipped: health.warnings.length,
    },
    'read source',
  );
  if (workingDays) {
    const wd = await readWorkingDays(workingDays, readRange);
    results.push({
      source: 'working-days',
      timeZone: health.timeZone,
      days: wd.days,
      warnings: wd.warnings,
      inputs: 1,
    });
    o.log.info({ file: workingDays, days: wd.days.size, skipped: wd.warnings.length }, 'read working days');
  }
  return results;
}

/**
 * The bundled sample: generated once (deterministically) into the data directory, so the demo and the tests
 * need no download and no account.
 */
export function ensureSampleExport(dataDir: string, log: Logger): { root: string; workingDays: string } {
  const outDir = path.join(dataDir, 'sample-export');
  const marker = path.join(outDir, '.complete');
  if (!fs.existsSync(marker)) {
    fs.rmSync(outDir, { recursive: true, force: true });
    const started = Date.now();
    const generated = generateSampleExport({ outDir });
    fs.writeFileSync(marker, `${generated.startDate} ${generated.endDate}\n`);
    log.info(
      { dir: outDir, from: generated.startDate, to: generated.endDate, ms: Date.now() - started },
      'generated the sample export',
    );
  }
  return { root: outDir, workingDays: path.join(outDir, 'working-days.csv') };
}
