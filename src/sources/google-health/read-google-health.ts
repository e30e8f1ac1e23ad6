/**
 * The Google Health source: the user's data from the Google Health API v4 (docs/health-sources.md §2), read into the
 * same normalised DayRecords the Takeout source produces, so the daily metrics are derived by the same code
 * with the same definitions.
 *
 *   time zone   GET settings (`timeZone`): "today" and the default window are the user's, not the host's
 *   steps       dailyRollUp, chunks of ≤ 90 days: `countSum` per civil day is exactly "sum of step counts whose
 *               local time falls on D"
 *   heart       the intraday `heart-rate` list, one request (and its pages) per civil day. Not the heart-rate
 *               dailyRollUp: its `beatsPerMinuteAvg` is reconciled across sources with off-wrist periods
 *               dropped, and Google does not say how it weighs samples, so it is not "the mean of all
 *               samples"; and `heart.max_sustained` needs per-minute means, which only the samples give. The
 *               samples give both metrics exactly as the Takeout source computes them, so no rollup is asked.
 *   resting     the `daily-resting-heart-rate` list with a `.date` filter (its rollup is a personal range,
 *               not the day's value)
 *   sleep       the `sleep` list (pages of 25), filtered on and keyed by the civil end (wake) date
 *
 * Each raw answer is archived before anything is read from it. A part (one request and its pages) whose
 * answer is unusable, or that Google refuses as such (400, 404), becomes a warning and adds nothing, so a day
 * never gets half of its heart samples; failures that would hit every request (auth, an unlinked account,
 * the legacy API, an API that stays down) end the read.
 */
import pLimit from 'p-limit';
import type { Archive } from '../../archive/archive';
import {
  civilChunks,
  GoogleAuthError,
  GoogleHealthError,
  rollupMaxDays,
  type GoogleHealthClient,
  type RawResponse,
} from '../../clients/google-health/client';
import { addDays, civilDates } from '../../util/civil-date';
import { silentLogger, type Logger } from '../../util/log';
import { isValidTimeZone, localParts } from '../../util/timezone';
import {
  silentProgress,
  type DateRange,
  type ProgressReporter,
  type SleepLog,
  type SourceResult,
  type SourceWarning,
} from '../day-record';
import { DayAccumulator } from '../takeout/day-accumulator';
import { FileWarnings } from '../takeout/file-warnings';
import {
  readHeartSample,
  readRestingRate,
  readSleep,
  readStepsRollup,
  type HeartSample,
  type Warn,
} from './data-points';

export const SOURCE_NAME = 'google-health';
/** Without --from/--to: the last 7 days, so a night synced a few days late is still picked up. */
export const DEFAULT_WINDOW_DAYS = 7;
/** The list maximum (docs/health-sources.md §2.2): a day of 1-second samples is 86,400 points, usually ≤ 9 pages. */
const HEART_PAGE_SIZE = 10_000;
/** Sleep sessions: default and maximum 25 per page. */
const SLEEP_PAGE_SIZE = 25;
const DAILY_PAGE_SIZE = 1000;
/** Parallel requests: quick enough for a backfill, far below the 300 requests/min per user quota. */
const CONCURRENCY = 4;

// Filter members are snake_case (docs/health-sources.md §2.2).
const HEART_MEMBER = 'heart_rate.sample_time.civil_time';
const RESTING_MEMBER = 'daily_resting_heart_rate.date';
const SLEEP_MEMBER = 'sleep.interval.civil_end_time';

/** The client calls this reader makes (a type, so tests may hand in a stub). */
export type GoogleHealthApi = Pick<
  GoogleHealthClient,
  'settings' | 'listAll' | 'dailyRollUp' | 'requestCount'
>;

export interface ReadGoogleHealthOptions {
  client: GoogleHealthApi;
  /** Inclusive civil dates; an open end defaults to today (user's zone), an open start to 7 days back from `to`. */
  range?: DateRange;
  /** When given, every raw answer goes to `raw/google-health/<today>/` first. */
  archive?: Archive;
  logger?: Logger;
  progress?: ProgressReporter;
  /** The clock, for "today"; tests fix it. */
  now?: () => number;
}

export interface GoogleHealthResult extends SourceResult {
  /** The window read, defaults resolved. */
  range: { from: string; to: string };
}

/** Fills in the open ends of a range: `to` defaults to today, `from` to DEFAULT_WINDOW_DAYS days up to `to`. */
export function resolveWindow(range: DateRange, today: string): { from: string; to: string } {
  const to = range.to ?? today;
  return { from: range.from ?? addDays(to, -(DEFAULT_WINDOW_DAYS - 1)), to };
}

const between = (member: string, from: string, toExclusive: string) =>
  `${member} >= "${from}" AND ${member} < "${toExclusive}"`;

interface PartIo {
  /** Archives a raw answer, then hands each of its points to `read` with a warning function naming it. */
  read(
    res: RawResponse,
    points: unknown[],
    read: (point: unknown, warn: Warn) => void,
    recordOf?: (point: unknown, index: number) => string | number,
  ): Promise<void>;
}

/** One read: the shared accumulator, warnings, raw archive and clock of a readGoogleHealth call. */
class Reader {
  readonly warnings: SourceWarning[] = [];

  constructor(
    readonly client: GoogleHealthApi,
    readonly days: DayAccumulator,
    readonly timeZone: string,
    private readonly rawDate: string,
    private readonly archive: Archive | undefined,
  ) {}

  async saveRaw(name: string, body: string): Promise<void> {
    await this.archive?.writeRaw(SOURCE_NAME, name, body, this.rawDate);
  }

  /**
   * Runs one part (a request and its pages, `raw` naming its archive files). Returns whether it succeeded;
   * only then may the caller add what it read. A skippable failure becomes a warning; any other is thrown.
   */
  async part(label: string, raw: string, run: (io: PartIo) => Promise<unknown>): Promise<boolean> {
    const warnings: SourceWarning[] = [];
    let answers = 0;
    const io: PartIo = {
      read: async (res, points, read, recordOf = (_point, index) => index) => {
        answers++;
        await this.saveRaw(`${raw}-${answers}.json`, res.body);
        const fw = new FileWarnings(`${res.request} [${label}, page ${answers}]`, warnings);
        points.forEach((point, i) => read(point, (message) => fw.record(recordOf(point, i), message)));
        fw.finish();
      },
    };
    try {
      await run(io);
    } catch (err) {
      if (!(err instanceof GoogleHealthError) || !err.skippable) throw err;
      if (err.body !== undefined) await this.saveRaw(`${raw}-${++answers}.json`, err.body);
      this.warnings.push({ file: `${err.request} [${label}]`, message: `${err.message}; skipped` });
      return false;
    }
    this.warnings.push(...warnings);
    return true;
  }
}

async function readSteps(r: Reader, start: string, end: string): Promise<void> {
  const found: Array<{ date: string; steps: number }> = [];
  const ok = await r.part(`steps ${start}..${end}`, `steps-${start}_${end}`, (io) =>
    r.client.dailyRollUp(
      'steps',
      { start, end },
      {
        onResponse: (res) =>
          io.read(res, res.rollupDataPoints, (point, warn) => {
            const value = readStepsRollup(point, warn);
            // Another chunk owns a date outside this one; counting it here too would double it.
            if (value && value.date >= start && value.date <= end) found.push(value);
          }),
      },
    ),
  );
  if (ok) for (const { date, steps } of found) r.days.addSteps(date, steps);
}

async function readHeartDay(r: Reader, day: string): Promise<void> {
  const samples: HeartSample[] = [];
  const filter = between(HEART_MEMBER, day, addDays(day, 1));
  const ok = await r.part(`heart-rate ${day}`, `heart-rate-${day}`, (io) =>
    r.client.listAll('heart-rate', { filter, pageSize: HEART_PAGE_SIZE }, (page) =>
      io.read(page, page.dataPoints, (point, warn) => {
        const sample = readHeartSample(point, r.timeZone, warn);
        // Another day's request owns a sample of another day: taking it here too would count it twice.
        if (sample && sample.date === day) samples.push(sample);
      }),
    ),
  );
  if (ok) for (const s of samples) r.days.addHeart(s.date, s.minuteOfDay, s.bpm);
}

async function readResting(r: Reader, from: string, to: string): Promise<void> {
  const found: Array<{ date: string; bpm: number }> = [];
  const filter = between(RESTING_MEMBER, from, addDays(to, 1));
  const ok = await r.part(
    `daily-resting-heart-rate ${from}..${to}`,
    `daily-resting-heart-rate-${from}_${to}`,
    (io) =>
      r.client.listAll('daily-resting-heart-rate', { filter, pageSize: DAILY_PAGE_SIZE }, (page) =>
        io.read(page, page.dataPoints, (point, warn) => {
          const value = readRestingRate(point, warn);
          if (value) found.push(value);
        }),
      ),
  );
  // A 0 is "not worn"; the accumulator drops it as it does for the export.
  if (ok) for (const { date, bpm } of found) r.days.setRestingHeartRate(date, bpm);
}

async function readSleeps(r: Reader, from: string, to: string): Promise<void> {
  const found: Array<{ id?: string; log: SleepLog }> = [];
  const filter = between(SLEEP_MEMBER, from, addDays(to, 1));
  const nameOf = (point: unknown, index: number) => {
    const name = typeof point === 'object' && point !== null ? (point as { name?: unknown }).name : undefined;
    return typeof name === 'string' ? name : index;
  };
  const ok = await r.part(`sleep ${from}..${to}`, `sleep-${from}_${to}`, (io) =>
    r.client.listAll('sleep', { filter, pageSize: SLEEP_PAGE_SIZE }, (page) =>
      io.read(
        page,
        page.dataPoints,
        (point, warn) => {
          const sleep = readSleep(point, warn);
          if (sleep) found.push(sleep);
        },
        nameOf,
      ),
    ),
  );
  if (ok) for (const { id, log } of found) r.days.addSleep(log, id);
}

/**
 * The user's zone from the settings. Without it (the optional settings scope not granted, an odd answer) the
 * host's zone is used with a warning: the days themselves come from the API's civil times either way, only
 * "today" (the default window) depends on it.
 */
async function userTimeZone(
  client: GoogleHealthApi,
  warnings: SourceWarning[],
): Promise<{ timeZone: string; body?: string }> {
  const fallback = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  try {
    const settings = await client.settings();
    if (settings.timeZone && isValidTimeZone(settings.timeZone)) {
      return { timeZone: settings.timeZone, body: settings.body };
    }
    warnings.push({
      file: `${settings.request}`,
      message: `timeZone ${JSON.stringify(settings.timeZone ?? null)} is not an IANA zone; using ${fallback}`,
    });
    return { timeZone: fallback, body: settings.body };
  } catch (err) {
    // A 403 here is the optional settings scope left unticked on the consent screen: the data scopes may be fine.
    const settingsRefused = err instanceof GoogleAuthError && err.status === 403;
    if (!settingsRefused && !(err instanceof GoogleHealthError && err.skippable)) throw err;
    warnings.push({ file: err.request, message: `${err.message}; using the time zone ${fallback}` });
    return { timeZone: fallback, body: err instanceof GoogleHealthError ? err.body : undefined };
  }
}

export async function readGoogleHealth(options: ReadGoogleHealthOptions): Promise<GoogleHealthResult> {
  const { client, archive } = options;
  const logger = options.logger ?? silentLogger;
  const progress = options.progress ?? silentProgress;
  const nowMs = (options.now ?? Date.now)();
  const requestsBefore = client.requestCount;
  const warnings: SourceWarning[] = [];

  const zone = await userTimeZone(client, warnings);
  const today = localParts(nowMs, zone.timeZone).date;
  const window = resolveWindow(options.range ?? {}, today);
  const reader = new Reader(client, new DayAccumulator(window), zone.timeZone, today, archive);
  if (zone.body !== undefined) await reader.saveRaw('settings-1.json', zone.body);

  // Nothing after today can exist yet: not asked for.
  const last = window.to < today ? window.to : today;
  const parts: Array<() => Promise<void>> = [];
  if (window.from <= last) {
    for (const chunk of civilChunks({ start: window.from, end: last }, rollupMaxDays('steps'))) {
      parts.push(() => readSteps(reader, chunk.start, chunk.end));
    }
    parts.push(() => readResting(reader, window.from, last));
    parts.push(() => readSleeps(reader, window.from, last));
    for (const day of civilDates(window.from, last)) parts.push(() => readHeartDay(reader, day));
  }
  logger.info(
    { timeZone: zone.timeZone, from: window.from, to: window.to, parts: parts.length },
    'google-health: reading',
  );

  progress.start(parts.length, SOURCE_NAME);
  const limit = pLimit(CONCURRENCY);
  let fatal: { error: unknown } | undefined;
  try {
    await Promise.all(
      parts.map((run) =>
        limit(async () => {
          // After a fatal failure the queued parts are not started (they would fail the same way).
          if (fatal) return;
          try {
            await run();
          } catch (error) {
            fatal ??= { error };
          }
          progress.increment();
        }),
      ),
    );
  } finally {
    progress.stop();
  }
  if (fatal) throw fatal.error;

  // Parts finish in any order; sorted by request, the warnings read the same on every run.
  warnings.push(...[...reader.warnings].sort((a, b) => a.file.localeCompare(b.file)));
  const days = reader.days.build();
  const inputs = client.requestCount - requestsBefore;
  logger.info({ days: days.size, requests: inputs, warnings: warnings.length }, 'google-health: read');
  return { source: SOURCE_NAME, timeZone: zone.timeZone, days, warnings, inputs, range: window };
}
