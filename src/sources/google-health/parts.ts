/**
 * The requests one chunk of days is read with, each a "part" (a request and its pages):
 *
 *   steps    dailyRollUp over the chunk: `countSum` per civil day is exactly "sum of step counts whose local time
 *            falls on D", and a rollup is already reconciled across data sources
 *   heart    the `heart-rate` stream of one civil day, reconciled (one request and its pages per day). Not the
 *            heart-rate rollup: Google does not say how its average weighs samples, and `heart.max_sustained`
 *            needs per-minute means, which only the samples give
 *   resting  the `daily-resting-heart-rate` stream over the chunk with a `.date` filter, reconciled (its rollup
 *            is a personal range, not the day's value)
 *   sleep    the `sleep` stream over the chunk (pages of 25), reconciled, filtered on and keyed by the civil end
 *            (wake) date
 *
 * One source of truth per day: `list` returns the raw points of every data source, so a phone and a watch
 * would both count the same minutes; every stream is therefore read through `:reconcile`, the de-duplicated
 * stream Google recommends (docs/google-health-api.md). Should two resting rates still come back for one date,
 * neither is trusted: the day's value is withheld with a warning.
 *
 * Each raw answer is archived before anything is read from it. A part whose answer is unusable, or that Google
 * refuses as such (400, 404, a persistent 500), becomes a warning and adds nothing, so a day never gets half of
 * its heart samples. A part whose scope the user did not grant is not asked at all (consent.ts). Failures that
 * would hit every request (auth, an unlinked account, the legacy API, an API that stays down) are thrown.
 */
import type { Archive } from '../../archive/archive';
import {
  GoogleAuthError,
  GoogleHealthError,
  type GoogleHealthClient,
  type RawResponse,
} from '../../clients/google-health/client';
import { addDays } from '../../util/civil-date';
import type { SleepLog, SourceWarning } from '../day-record';
import type { DayAccumulator } from '../takeout/day-accumulator';
import { FileWarnings } from '../takeout/file-warnings';
import type { Consent } from './consent';
import {
  readHeartSample,
  readRestingRate,
  readSleep,
  readStepsRollup,
  resourceName,
  type HeartSample,
  type Warn,
} from './data-points';

export const SOURCE_NAME = 'google-health';
/** The list maximum: a day of 1-second samples is 86,400 points, usually ≤ 9 pages. */
const HEART_PAGE_SIZE = 10_000;
/** Sleep sessions: default and maximum 25 per page. */
const SLEEP_PAGE_SIZE = 25;
const DAILY_PAGE_SIZE = 1000;

// Filter members are snake_case, data types kebab-case.
const HEART_MEMBER = 'heart_rate.sample_time.civil_time';
const RESTING_MEMBER = 'daily_resting_heart_rate.date';
const SLEEP_MEMBER = 'sleep.interval.civil_end_time';

/** The client calls the reader makes (a type, so tests may hand in a stub). */
export type GoogleHealthApi = Pick<
  GoogleHealthClient,
  'settings' | 'reconcileAll' | 'dailyRollUp' | 'requestCount'
>;

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

/** What every part of a read shares: the client, the consent, the zone, warnings and the raw archive. */
export class ReadContext {
  readonly warnings: SourceWarning[] = [];

  constructor(
    readonly client: GoogleHealthApi,
    readonly consent: Consent,
    readonly timeZone: string,
    private readonly rawDate: string,
    private readonly archive: Archive | undefined,
  ) {}

  async saveRaw(name: string, body: string): Promise<void> {
    await this.archive?.writeRaw(SOURCE_NAME, name, body, this.rawDate);
  }

  /**
   * Runs one part (a request and its pages, `raw` naming its archive files) for a data type. Returns whether it
   * succeeded; only then may the caller add what it read. Not granted: false without a request. A skippable
   * failure becomes a warning; any other is thrown.
   */
  async part(
    dataType: string,
    label: string,
    raw: string,
    run: (io: PartIo) => Promise<unknown>,
  ): Promise<boolean> {
    if (!this.consent.allows(dataType)) return false;
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
      if (err instanceof GoogleAuthError && err.scopeInsufficient) {
        this.consent.refused(dataType);
        return false;
      }
      if (!(err instanceof GoogleHealthError) || !err.skippable) throw err;
      if (err.body !== undefined) await this.saveRaw(`${raw}-${++answers}.json`, err.body);
      this.warnings.push({ file: `${err.request} [${label}]`, message: `${err.message}; skipped` });
      return false;
    }
    this.warnings.push(...warnings);
    return true;
  }
}

export async function readSteps(
  r: ReadContext,
  days: DayAccumulator,
  start: string,
  end: string,
): Promise<boolean> {
  const found: Array<{ date: string; steps: number }> = [];
  const ok = await r.part('steps', `steps ${start}..${end}`, `steps-${start}_${end}`, (io) =>
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
  if (ok) for (const { date, steps } of found) days.addSteps(date, steps);
  return ok;
}

export async function readHeartDay(r: ReadContext, days: DayAccumulator, day: string): Promise<boolean> {
  const samples: HeartSample[] = [];
  let skipped = 0;
  const filter = between(HEART_MEMBER, day, addDays(day, 1));
  const label = `heart-rate ${day}`;
  const ok = await r.part('heart-rate', label, `heart-rate-${day}`, (io) =>
    r.client.reconcileAll('heart-rate', { filter, pageSize: HEART_PAGE_SIZE }, (page) =>
      io.read(page, page.dataPoints, (point, warn) => {
        const sample = readHeartSample(point, r.timeZone, (message) => {
          skipped++;
          warn(message);
        });
        // Another day's request owns a sample of another day: taking it here too would count it twice.
        if (sample && sample.date === day) samples.push(sample);
      }),
    ),
  );
  if (!ok) return false;
  // The day's mean and its highest sustained minute need every sample of the day; without the skipped ones
  // they would be a guess (as a damaged heart-rate file withholds its day in an export).
  if (skipped > 0) {
    r.warnings.push({
      file: `GET /users/me/dataTypes/heart-rate/dataPoints:reconcile [${label}]`,
      record: day,
      message: `${skipped} heart-rate point${skipped === 1 ? '' : 's'} of the day skipped; heart.average and heart.max_sustained withheld`,
    });
    return false;
  }
  for (const s of samples) days.addHeart(s.date, s.minuteOfDay, s.bpm);
  return true;
}

export async function readResting(
  r: ReadContext,
  days: DayAccumulator,
  from: string,
  to: string,
): Promise<boolean> {
  const found = new Map<string, Set<number>>();
  const filter = between(RESTING_MEMBER, from, addDays(to, 1));
  const label = `daily-resting-heart-rate ${from}..${to}`;
  const ok = await r.part('daily-resting-heart-rate', label, `daily-resting-heart-rate-${from}_${to}`, (io) =>
    r.client.reconcileAll('daily-resting-heart-rate', { filter, pageSize: DAILY_PAGE_SIZE }, (page) =>
      io.read(page, page.dataPoints, (point, warn) => {
        const value = readRestingRate(point, warn);
        if (value) found.set(value.date, (found.get(value.date) ?? new Set()).add(value.bpm));
      }),
    ),
  );
  if (!ok) return false;
  for (const [date, values] of found) {
    if (values.size > 1) {
      r.warnings.push({
        file: `GET /users/me/dataTypes/daily-resting-heart-rate/dataPoints:reconcile [${label}]`,
        record: date,
        message: `${values.size} different resting heart rates (${[...values].join(', ')}) for one day; withheld`,
      });
      continue;
    }
    // A 0 is "not worn"; the accumulator drops it as it does for the export.
    days.setRestingHeartRate(date, [...values][0] as number);
  }
  return true;
}

export async function readSleeps(
  r: ReadContext,
  days: DayAccumulator,
  from: string,
  to: string,
): Promise<boolean> {
  const found: Array<{ id?: string; log: SleepLog }> = [];
  const filter = between(SLEEP_MEMBER, from, addDays(to, 1));
  const nameOf = (point: unknown, index: number) => resourceName(point) ?? index;
  const ok = await r.part('sleep', `sleep ${from}..${to}`, `sleep-${from}_${to}`, (io) =>
    r.client.reconcileAll('sleep', { filter, pageSize: SLEEP_PAGE_SIZE }, (page) =>
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
  if (ok) for (const { id, log } of found) days.addSleep(log, id);
  return ok;
}
