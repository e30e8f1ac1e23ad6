/**
 * The Google Health source: the user's data from the Google Health API v4 (docs/google-health-api.md), read into
 * the same normalised DayRecords the Takeout source produces, so the daily metrics are derived by the same code
 * with the same definitions.
 *
 * A read is a list of days, cut into chunks of CHUNK_DAYS read by the requests of parts.ts (a few at a time,
 * within the client's request budget). Each chunk, once complete, is archived at once (its day records, then
 * the ledger of fetched days), so a backfill that stops (Ctrl-C, a reboot, an API that stays down) keeps every
 * finished chunk, and the next run resumes: a day the ledger holds as settled is read from the archive instead
 * of the API, unless `refetch` is asked (fetch-ledger.ts). "Today" and the default window are the user's, from
 * the settings' `timeZone`.
 */
import path from 'node:path';
import pLimit from 'p-limit';
import type { Archive } from '../../archive/archive';
import { GoogleAuthError, GoogleHealthError } from '../../clients/google-health/client';
import { addDays, civilDates } from '../../util/civil-date';
import { silentLogger, type Logger } from '../../util/log';
import { isValidTimeZone, localParts } from '../../util/timezone';
import {
  silentProgress,
  type DateRange,
  type DayRecord,
  type ProgressReporter,
  type SourceResult,
  type SourceWarning,
} from '../day-record';
import { DayAccumulator } from '../takeout/day-accumulator';
import { Consent } from './consent';
import { FetchLedger } from './fetch-ledger';
import {
  ReadContext,
  readHeartDay,
  readResting,
  readSleeps,
  readSteps,
  SOURCE_NAME,
  type GoogleHealthApi,
} from './parts';

export { SOURCE_NAME, type GoogleHealthApi } from './parts';
/** Without --from/--to: the last 7 days, so a night synced a few days late is still picked up. */
export const DEFAULT_WINDOW_DAYS = 7;
/** Days read, then archived, together: within every rollup limit (14 days), small enough to lose little. */
export const CHUNK_DAYS = 14;
/** Parts in flight at once; the request budget, not this, sets the pace. */
const CONCURRENCY = 4;
const DATA_TYPES = ['steps', 'daily-resting-heart-rate', 'sleep', 'heart-rate'] as const;

export interface ReadGoogleHealthOptions {
  client: GoogleHealthApi;
  /** Inclusive civil dates; an open end defaults to today (user's zone), an open start to 7 days back from `to`. */
  range?: DateRange;
  /**
   * The archive: raw answers go to `raw/google-health/<today>/`, fetched days and the ledger of fetched days
   * to `archive/google-health/`, and settled days are read back from it instead of being fetched again.
   */
  archive?: Archive;
  /** Read settled days from the archive, but write nothing to it. */
  dryRun?: boolean;
  /** Fetch every day of the range, settled or not. */
  refetch?: boolean;
  /** The token's scopes; undefined when unknown (then everything is asked, and a 403 tells). */
  grantedScopes?: readonly string[];
  logger?: Logger;
  progress?: ProgressReporter;
  /** The clock, for "today"; tests fix it. */
  now?: () => number;
}

export interface GoogleHealthResult extends SourceResult {
  /** The window read, defaults resolved. */
  range: { from: string; to: string };
  /** Days asked of the API, and days taken from the archive because they were settled. */
  fetchedDays: number;
  archivedDays: number;
}

/** Fills in the open ends of a range: `to` defaults to today, `from` to DEFAULT_WINDOW_DAYS days up to `to`. */
export function resolveWindow(range: DateRange, today: string): { from: string; to: string } {
  const to = range.to ?? today;
  return { from: range.from ?? addDays(to, -(DEFAULT_WINDOW_DAYS - 1)), to };
}

/** Consecutive runs of dates, each at most `size` long. */
export function chunkDates(dates: readonly string[], size: number): string[][] {
  const chunks: string[][] = [];
  for (const date of dates) {
    const current = chunks[chunks.length - 1];
    const previous = current?.[current.length - 1];
    if (current && previous !== undefined && addDays(previous, 1) === date && current.length < size) {
      current.push(date);
    } else chunks.push([date]);
  }
  return chunks;
}

/**
 * The user's zone from the settings. Without it (the optional settings scope not granted, an odd answer) the
 * host's zone is used with a warning: the days themselves come from the API's civil times either way, only
 * "today" (the default window) depends on it. Any other failure of the call is one like every other.
 */
async function userTimeZone(
  client: GoogleHealthApi,
  consent: Consent,
  warnings: SourceWarning[],
  log: Logger,
): Promise<{ timeZone: string; body?: string }> {
  const fallback = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const useHost = (why: string) => {
    log.warn({ timeZone: fallback }, `google-health: ${why}; using the host's time zone`);
    return { timeZone: fallback };
  };
  if (!consent.allows('settings')) return useHost('the settings scope was not granted');
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
    if (err instanceof GoogleAuthError && err.scopeInsufficient) {
      consent.refused('settings');
      return useHost('Google refused the settings scope');
    }
    if (!(err instanceof GoogleHealthError && err.skippable)) throw err;
    warnings.push({ file: err.request, message: `${err.message}; using the time zone ${fallback}` });
    return { timeZone: fallback, body: err.body };
  }
}

type PartOutcome = boolean | 'not-run';

export async function readGoogleHealth(options: ReadGoogleHealthOptions): Promise<GoogleHealthResult> {
  const { client, archive } = options;
  const writable = archive !== undefined && !options.dryRun;
  const logger = options.logger ?? silentLogger;
  const progress = options.progress ?? silentProgress;
  const nowMs = (options.now ?? Date.now)();
  const requestsBefore = client.requestCount;
  const warnings: SourceWarning[] = [];
  const consent = new Consent(options.grantedScopes);
  const range = options.range ?? {};

  const ledger = archive
    ? await FetchLedger.load(FetchLedger.fileFor(path.join(archive.dataDir, 'archive'), SOURCE_NAME))
    : undefined;
  if (ledger?.unreadable) {
    logger.warn(
      { file: ledger.file, why: ledger.unreadable },
      'google-health: the ledger of fetched days is unreadable; every day is fetched again',
    );
  }
  const settled = (date: string) => !options.refetch && ledger !== undefined && ledger.isSettled(date);

  // A fixed range of settled days only: nothing to ask Google, not even the time zone.
  const offline =
    range.from !== undefined &&
    range.to !== undefined &&
    ledger?.timeZone !== undefined &&
    civilDates(range.from, range.to).every(settled);
  const zone = offline
    ? { timeZone: ledger?.timeZone as string }
    : await userTimeZone(client, consent, warnings, logger);
  const today = localParts(nowMs, zone.timeZone).date;
  const window = resolveWindow(range, today);
  const context = new ReadContext(client, consent, zone.timeZone, today, writable ? archive : undefined);
  if (zone.body !== undefined) await context.saveRaw('settings-1.json', zone.body);

  // Nothing after today can exist yet: not asked for.
  const last = window.to < today ? window.to : today;
  const days = new Map<string, DayRecord>();
  const toFetch: string[] = [];
  let archivedDays = 0;
  for (const date of window.from <= last ? civilDates(window.from, last) : []) {
    const entry = settled(date) ? ledger?.entry(date) : undefined;
    const record = entry?.record && archive ? await archive.readDay(SOURCE_NAME, date) : undefined;
    // A settled day whose record went missing from the archive is fetched again.
    if (!entry || (entry.record && !record)) {
      toFetch.push(date);
      continue;
    }
    archivedDays++;
    if (record) days.set(date, record);
  }
  const chunks = chunkDates(toFetch, CHUNK_DAYS);
  logger.info(
    {
      timeZone: zone.timeZone,
      from: window.from,
      to: window.to,
      fetch: toFetch.length,
      fromArchive: archivedDays,
      chunks: chunks.length,
    },
    'google-health: reading',
  );

  const limit = pLimit(CONCURRENCY);
  let fatal: { error: unknown } | undefined;
  const runPart = (run: () => Promise<boolean>) =>
    limit(async (): Promise<PartOutcome> => {
      // After a fatal failure the queued parts are not started (they would fail the same way).
      if (fatal) return 'not-run';
      try {
        return await run();
      } catch (error) {
        fatal ??= { error };
        return 'not-run';
      }
    });

  let done = 0;
  /** Archives a complete chunk: its day records, then the days every request of it covered, in the ledger. */
  const finish = async (chunk: string[], acc: DayAccumulator, wholeOk: boolean, heartOk: PartOutcome[]) => {
    const built = acc.build();
    for (const record of built.values()) days.set(record.date, record);
    if (writable && archive && ledger) {
      for (const record of built.values()) await archive.writeDay(SOURCE_NAME, record);
      const complete = chunk.filter((date, i) => wholeOk && heartOk[i] === true);
      await ledger.record(
        complete.map((date) => ({ date, record: built.has(date) })),
        today,
        zone.timeZone,
      );
    }
    done += chunk.length;
    progress.increment(chunk.length);
    logger.info(
      {
        from: chunk[0],
        to: chunk[chunk.length - 1],
        days: `${done}/${toFetch.length}`,
        requests: client.requestCount - requestsBefore,
      },
      'google-health: fetched',
    );
  };

  if (toFetch.length > 0) progress.start(toFetch.length, SOURCE_NAME, 'days');
  try {
    await Promise.all(
      chunks.map(async (chunk) => {
        const start = chunk[0] as string;
        const end = chunk[chunk.length - 1] as string;
        const acc = new DayAccumulator({ from: start, to: end });
        const whole = Promise.all([
          runPart(() => readSteps(context, acc, start, end)),
          runPart(() => readResting(context, acc, start, end)),
          runPart(() => readSleeps(context, acc, start, end)),
        ]);
        const heart = Promise.all(chunk.map((day) => runPart(() => readHeartDay(context, acc, day))));
        const [wholeOutcomes, heartOutcomes] = await Promise.all([whole, heart]);
        if ([...wholeOutcomes, ...heartOutcomes].includes('not-run')) return;
        try {
          await finish(
            chunk,
            acc,
            wholeOutcomes.every((o) => o === true),
            heartOutcomes,
          );
        } catch (error) {
          fatal ??= { error };
        }
      }),
    );
  } finally {
    if (toFetch.length > 0) progress.stop();
  }
  if (fatal) throw fatal.error;

  const dataTypes = [...(toFetch.length > 0 ? DATA_TYPES : []), ...(offline ? [] : ['settings'])];
  warnings.push(...consent.warnings(dataTypes));
  // Parts finish in any order; sorted by request, the warnings read the same on every run.
  warnings.push(...[...context.warnings].sort((a, b) => a.file.localeCompare(b.file)));
  const sorted = new Map([...days].sort(([a], [b]) => a.localeCompare(b)));
  const inputs = client.requestCount - requestsBefore;
  logger.info(
    { days: sorted.size, requests: inputs, fromArchive: archivedDays, warnings: warnings.length },
    'google-health: read',
  );
  return {
    source: SOURCE_NAME,
    timeZone: zone.timeZone,
    days: sorted,
    warnings,
    inputs,
    range: window,
    fetchedDays: toFetch.length,
    archivedDays,
  };
}
