import fs from 'node:fs';
import path from 'node:path';
import { Archive } from '../archive/archive';
import { GoogleHealthClient } from '../clients/google-health/client';
import type { Config } from '../config/config';
import { HealthlakeError, ExitCode } from '../errors';
import { addDays } from '../util/civil-date';
import type { DateRange, ProgressReporter, SourceResult } from '../sources/day-record';
import {
  DEFAULT_WINDOW_DAYS,
  readGoogleHealth,
  SOURCE_NAME as GOOGLE_HEALTH,
  type GoogleHealthApi,
  type GoogleHealthResult,
} from '../sources/google-health/read-google-health';
import { generateSampleExport } from '../sources/sample/generate-export';
import { readTakeout, type ExportTimezone } from '../sources/takeout';
import { checkSourceResult } from '../sources/validate-day-record';
import { readWorkingDays } from '../sources/working-days';
import type { Logger } from '../util/log';
import { googleAccessToken } from './google-token';

export type SourceName = 'takeout' | 'sample' | 'google-health';

export interface SourceOptions {
  source: SourceName;
  path?: string;
  range: DateRange;
  workingDays?: string;
  /** Where an export's days begin and end ('utc' is the older name of 'profile'). */
  exportTimezone: ExportTimezone | 'utc';
  dataDir: string;
  progress: ProgressReporter;
  log: Logger;
  /** google-health: the API URL and OAuth client; required for that source unless googleClient is given. */
  config?: Config;
  /** google-health: a ready client (tests); by default one is made from config with the stored authorisation. */
  googleClient?: GoogleHealthApi;
  /** A dry run archives nothing, raw API answers included. */
  dryRun?: boolean;
  /** google-health: fetch again days the archive already holds (default: only those not settled yet). */
  refetch?: boolean;
  /** google-health: the scopes granted; by default read from the stored token (a test client: unknown). */
  grantedScopes?: readonly string[];
}

/**
 * Reads the chosen source and the working-days file. The range is widened by one day at the end because
 * `sleep.minutes_after` of D is the night that ends on D+1. Every record is checked against the plausibility
 * rules before it goes on (checkSourceResult).
 */
export async function readSources(o: SourceOptions): Promise<SourceResult[]> {
  return (await readAnySource(o)).map(checkSourceResult);
}

async function readAnySource(o: SourceOptions): Promise<SourceResult[]> {
  if (o.source === GOOGLE_HEALTH) return readGoogleHealthSource(o);
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
    exportTimezone: o.exportTimezone === 'utc' ? 'profile' : o.exportTimezone,
    threads: o.config?.importThreads,
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
      otherOffsetDays: health.otherOffsetDays.length,
      threads: health.threads,
      readMs: health.readMs,
    },
    'read source',
  );
  if (workingDays) results.push(await workingDaysResult(workingDays, readRange, health.timeZone, o.log));
  return results;
}

async function workingDaysResult(
  file: string,
  range: DateRange,
  timeZone: string,
  log: Logger,
): Promise<SourceResult> {
  const wd = await readWorkingDays(file, range);
  log.info({ file, days: wd.days.size, skipped: wd.warnings.length }, 'read working days');
  return { source: 'working-days', timeZone, days: wd.days, warnings: wd.warnings, inputs: 1 };
}

/**
 * The Google Health API. Without --from/--to it reads the last 7 days up to today in the user's zone (a late
 * sync is picked up by the next runs); with --to it reads the 7 days up to it, plus D+1 for sleep after. Days
 * the archive holds as settled are taken from it, not fetched again (unless `refetch`).
 */
async function readGoogleHealthSource(o: SourceOptions): Promise<SourceResult[]> {
  const to = o.range.to;
  const range: DateRange = {
    from: o.range.from ?? (to !== undefined ? addDays(to, -(DEFAULT_WINDOW_DAYS - 1)) : undefined),
    to: to !== undefined ? addDays(to, 1) : undefined,
  };
  const { client, grantedScopes } = o.googleClient
    ? { client: o.googleClient, grantedScopes: o.grantedScopes }
    : await createGoogleHealthClient(o);
  const health = await readGoogleHealth({
    client,
    range,
    archive: new Archive(o.dataDir),
    dryRun: o.dryRun,
    refetch: o.refetch,
    grantedScopes,
    logger: o.log,
    progress: o.progress,
  });
  o.log.info(
    {
      source: GOOGLE_HEALTH,
      from: health.range.from,
      to: health.range.to,
      days: health.days.size,
      requests: health.inputs,
      fetchedDays: health.fetchedDays,
      archivedDays: health.archivedDays,
      timeZone: health.timeZone,
      skipped: health.warnings.length,
    },
    'read source',
  );
  const results: SourceResult[] = [health];
  if (o.workingDays)
    results.push(await workingDaysResult(o.workingDays, health.range, health.timeZone, o.log));
  return results;
}

async function createGoogleHealthClient(
  o: SourceOptions,
): Promise<{ client: GoogleHealthClient; grantedScopes: readonly string[] }> {
  if (!o.config)
    throw new HealthlakeError('--source google-health needs the configuration (a bug: none passed)');
  const token = googleAccessToken(o.config, o.log);
  // Read first: without a stored authorisation this is the one-line "run `healthlake auth`" (exit 6).
  const grantedScopes = o.grantedScopes ?? (await token.grantedScopes());
  const client = new GoogleHealthClient({
    baseUrl: o.config.google.apiUrl,
    accessToken: token.accessToken,
    onUnauthorized: token.onUnauthorized,
    requestsPerMinute: o.config.google.requestsPerMinute,
    logger: o.log,
  });
  return { client, grantedScopes };
}

/**
 * The days to derive and write: the --from/--to given, with an open end filled in from the window the
 * Google Health source read (without them it reads the last 7 days, so those are the days written).
 */
export function collectionRange(results: SourceResult[], requested: DateRange): DateRange {
  const api = results.find((r): r is GoogleHealthResult => r.source === GOOGLE_HEALTH && 'range' in r);
  if (!api) return requested;
  return { from: requested.from ?? api.range.from, to: requested.to ?? api.range.to };
}

/** HTTP requests the sources made (API sources only; files are not requests). */
export function apiRequestCount(results: SourceResult[]): number {
  return results.filter((r) => r.source === GOOGLE_HEALTH).reduce((n, r) => n + r.inputs, 0);
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
