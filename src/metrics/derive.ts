import type { DateRange, DayInput, DayRecord, HeartDay, SleepLog, SleepSegment } from '../sources/day-record';
import { addDays, civilDates } from '../util/civil-date';
import { DAILY_METRICS, DailyMetric, DailyMetrics, DailyValues } from './metric-names';

/**
 * The daily metrics, derived from normalised day records alone. Pure: no I/O, no clock, no time zone (the
 * records are already in civil days), so a replay of the archive gives exactly the values a live run gave.
 */

/** Levels that count as asleep for `sleep.longest_episode`; `wake`, `awake` and `restless` break an episode. */
const ASLEEP_LEVELS = new Set(['light', 'deep', 'rem', 'asleep']);

/** Minutes in a run for `heart.max_sustained`. */
const SUSTAINED_MINUTES = 10;
const MINUTES_PER_DAY = 1440;

/**
 * Which metrics of day D each input of a record feeds. The sleep of D (the night that ended on D's morning)
 * also feeds `sleep.minutes_after` of D-1: see withheldMetrics.
 */
export const INPUT_METRICS: Readonly<Record<DayInput, readonly DailyMetric[]>> = {
  steps: ['steps'],
  heart: ['heart.average', 'heart.max_sustained'],
  resting: ['heart.resting'],
  sleep: ['sleep.minutes_before', 'sleep.longest_episode'],
  worked: ['worked'],
};

/** The metrics of D that get no value because an input of D, or D+1's night, is withheld. */
export function withheldMetrics(day: DayRecord | undefined, next: DayRecord | undefined): DailyMetric[] {
  const withheld = new Set<DailyMetric>();
  for (const input of Object.keys(day?.withheld ?? {}) as DayInput[]) {
    for (const metric of INPUT_METRICS[input] ?? []) withheld.add(metric);
  }
  if (next?.withheld?.sleep !== undefined) withheld.add('sleep.minutes_after');
  return DAILY_METRICS.filter((m) => withheld.has(m));
}

/**
 * The metrics of civil day D. `day` is D's record, `next` is D+1's (only its night counts, for
 * `sleep.minutes_after`). Either may be undefined; metrics without data are absent, never 0, and so are the
 * metrics whose input is withheld (withheldMetrics).
 */
export function deriveDay(day: DayRecord | undefined, next: DayRecord | undefined): DailyValues {
  const values: DailyValues = {};
  if (day) {
    if (isNumber(day.steps)) values.steps = day.steps;
    // Fitbit records 0 when the tracker was not worn: that is "no value", not a resting rate of 0.
    if (isNumber(day.restingHeartRate) && day.restingHeartRate > 0) {
      values['heart.resting'] = day.restingHeartRate;
    }
    if (day.heart && day.heart.count > 0) values['heart.average'] = day.heart.sum / day.heart.count;
    const sustained = day.heart ? maxSustainedHeartRate(day.heart) : undefined;
    if (sustained !== undefined) values['heart.max_sustained'] = sustained;
    const sleep = mainSleep(day);
    if (sleep) {
      values['sleep.minutes_before'] = sleep.minutesAsleep;
      const episode = longestEpisodeMinutes(sleep.levels);
      if (episode !== undefined) values['sleep.longest_episode'] = episode;
    }
    if (day.worked !== undefined) values.worked = day.worked;
  }
  const nextSleep = next ? mainSleep(next) : undefined;
  if (nextSleep) values['sleep.minutes_after'] = nextSleep.minutesAsleep;
  for (const metric of withheldMetrics(day, next)) delete values[metric];
  return values;
}

/**
 * The metrics of every date from..to (inclusive) that has at least one value or withheld metric, ascending. D+1's record is
 * looked up even past `to`, so the last day gets its `sleep.minutes_after` once that night is known.
 * An open bound defaults to the earliest or latest date in `days`.
 */
export function deriveDays(days: Map<string, DayRecord>, range: DateRange): DailyMetrics[] {
  const known = [...days.keys()].sort();
  const from = range.from ?? known[0];
  const to = range.to ?? known[known.length - 1];
  if (from === undefined || to === undefined) return [];
  const result: DailyMetrics[] = [];
  for (const date of civilDates(from, to)) {
    const day = days.get(date);
    const next = days.get(addDays(date, 1));
    const values = deriveDay(day, next);
    const withheld = withheldMetrics(day, next);
    if (withheld.length > 0) result.push({ date, values, withheld });
    else if (DAILY_METRICS.some((m) => values[m] !== undefined)) result.push({ date, values });
  }
  return result;
}

/**
 * Highest mean over 10 consecutive clock minutes that all have samples, each minute weighted equally (its own
 * mean), so a burst of samples in one minute does not dominate. Undefined when no such run exists.
 */
export function maxSustainedHeartRate(heart: HeartDay): number | undefined {
  // Bucketing into fixed arrays makes this linear without trusting the sort order, and merges a minute that
  // appears twice (as the repeated hour does on the day clocks go back, if a source emits it twice).
  const sums = new Float64Array(MINUTES_PER_DAY);
  const counts = new Float64Array(MINUTES_PER_DAY);
  for (const [minute, sum, count] of heart.minutes) {
    if (!Number.isInteger(minute) || minute < 0 || minute >= MINUTES_PER_DAY || !(count > 0)) continue;
    sums[minute] = (sums[minute] ?? 0) + sum;
    counts[minute] = (counts[minute] ?? 0) + count;
  }
  const averages: number[] = [];
  let best: number | undefined;
  let run = 0;
  for (let minute = 0; minute < MINUTES_PER_DAY; minute++) {
    const count = counts[minute] ?? 0;
    if (count === 0) {
      run = 0;
      continue;
    }
    averages[minute] = (sums[minute] ?? 0) / count;
    run++;
    if (run < SUSTAINED_MINUTES) continue;
    // Summed afresh (10 additions) instead of a sliding add-and-subtract sum, which drifts in floating point
    // and could then differ from the hand-computed mean or break a tie the wrong way. Still linear.
    let windowSum = 0;
    for (let m = minute - SUSTAINED_MINUTES + 1; m <= minute; m++) windowSum += averages[m] ?? 0;
    const mean = windowSum / SUSTAINED_MINUTES;
    if (best === undefined || mean > best) best = mean;
  }
  return best;
}

/**
 * The main sleep that ended on the record's date (its night). Logs the source marks as main sleep are the
 * candidates; when no log of the night says either way (older fitbit.com exports have no `mainSleep`, the
 * Google-era CSV has no such column), every log of the night is. Among the candidates, the longest by
 * minutesAsleep; on a tie the first in start-time order. A night whose logs all say "not main" (naps only)
 * has no main sleep. This is the one place the rule lives; every source leaves isMainSleep undefined when it
 * does not know.
 */
export function mainSleep(day: DayRecord): SleepLog | undefined {
  const night = (day.sleeps ?? []).filter(
    (log) => log.dateOfSleep === day.date && isNumber(log.minutesAsleep),
  );
  const flagged = night.some((log) => log.isMainSleep !== undefined);
  let chosen: SleepLog | undefined;
  for (const log of night) {
    if (flagged && log.isMainSleep !== true) continue;
    // Strictly longer: on a tie the first log wins, so the choice does not depend on anything but order.
    if (!chosen || log.minutesAsleep > chosen.minutesAsleep) chosen = log;
  }
  return chosen;
}

/**
 * Longest run of consecutive asleep segments, in minutes. Undefined without levels; 0 when there are levels
 * but none of them is asleep.
 */
export function longestEpisodeMinutes(levels: SleepSegment[] | undefined): number | undefined {
  if (!levels || levels.length === 0) return undefined;
  let longest = 0;
  let current = 0;
  for (const segment of levels) {
    // Sources normalise to lower case; the Google API itself says LIGHT, DEEP, … so do not depend on it.
    if (ASLEEP_LEVELS.has(segment.level.toLowerCase())) {
      current += segment.seconds;
      if (current > longest) longest = current;
    } else {
      current = 0;
    }
  }
  return longest / 60;
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
