/**
 * Which day of the sample export is what: workday, weekend, hike, day off, and where the deliberate gaps are.
 * Everything is a pure function of (seed, window, date) so the day plans and nights can be built independently.
 */
import { seededRandom } from './seeded-random';
import { addDays, weekday } from '../../util/civil-date';

/** German public holidays on which the sample person does not work (the zone is Europe/Berlin). */
const PUBLIC_HOLIDAYS = new Set([
  '2025-12-25',
  '2025-12-26',
  '2026-01-01',
  '2026-04-03',
  '2026-04-06',
  '2026-05-01',
  '2026-05-14',
  '2026-05-25',
  '2026-10-03',
  '2026-12-25',
  '2026-12-26',
  '2027-01-01',
  '2027-03-26',
  '2027-03-29',
  '2027-05-01',
  '2027-05-06',
  '2027-05-17',
  '2027-10-03',
]);

export type DayKind = 'workday' | 'weekend' | 'hike' | 'day-off';

/** A stretch of days the sample person spends in another time zone (their profile keeps the home zone). */
export interface SampleTravel {
  /** First and last civil day (inclusive) lived in `timeZone`. */
  from: string;
  to: string;
  timeZone: string;
}

export interface SampleCalendar {
  seed: number;
  /** The home zone: the profile's. */
  timeZone: string;
  /** The zone the person lives day D in (their watch's clock that day): the home zone unless travelling. */
  zoneOn(date: string): string;
  startDate: string;
  endDate: string;
  /** Every civil date of the window, ascending. */
  dates: string[];
  /** The watch was not worn at all on this civil day: no heart, steps or sleep, resting heart rate 0. */
  unwornDate?: string;
  /** Heart rate stops for a few hours on this day (the sensor lost contact); steps go on. */
  heartGapDate?: string;
  /** The night ending on this morning was slept (heart rate shows it) but Fitbit logged no sleep. */
  noSleepLogDate?: string;
  /** Weekdays not worked: public holidays and a short vacation. */
  daysOff: Set<string>;
}

/** Where the gaps sit, as fractions of the window, so any window of a week or more has all three. */
const GAP_POSITIONS = { unworn: 0.23, heartGap: 0.47, noSleepLog: 0.71, vacation: 0.35 };

export function sampleCalendar(
  seed: number,
  timeZone: string,
  endDate: string,
  days: number,
  travel?: SampleTravel,
): SampleCalendar {
  const startDate = addDays(endDate, -(days - 1));
  const dates = Array.from({ length: days }, (_, i) => addDays(startDate, i));
  const at = (fraction: number): string | undefined =>
    days >= 7 ? dates[Math.floor(days * fraction)] : undefined;

  const daysOff = new Set(dates.filter((d) => PUBLIC_HOLIDAYS.has(d) && isWeekday(d)));
  // A Friday-and-Monday vacation around the weekend after the vacation position.
  const from = at(GAP_POSITIONS.vacation);
  if (from) {
    let friday = from;
    while (weekday(friday) !== 5) friday = addDays(friday, 1);
    for (const d of [friday, addDays(friday, 3)]) if (d <= dates[dates.length - 1]!) daysOff.add(d);
  }

  return {
    seed,
    timeZone,
    zoneOn: (date) => (travel && date >= travel.from && date <= travel.to ? travel.timeZone : timeZone),
    startDate,
    endDate,
    dates,
    unwornDate: at(GAP_POSITIONS.unworn),
    heartGapDate: at(GAP_POSITIONS.heartGap),
    noSleepLogDate: at(GAP_POSITIONS.noSleepLog),
    daysOff,
  };
}

function isWeekday(date: string): boolean {
  const wd = weekday(date);
  return wd >= 1 && wd <= 5;
}

export function isWorked(cal: SampleCalendar, date: string): boolean {
  return isWeekday(date) && !cal.daysOff.has(date);
}

/** Half the weekends have one long hike, on the Saturday or the Sunday. */
export function dayKind(cal: SampleCalendar, date: string): DayKind {
  if (isWorked(cal, date)) return 'workday';
  if (isWeekday(date)) return 'day-off';
  const saturday = weekday(date) === 6 ? date : addDays(date, -1);
  const rnd = seededRandom(cal.seed, `hike ${saturday}`);
  if (!rnd.chance(0.5)) return 'weekend';
  const hikeDay = rnd.chance(0.5) ? saturday : addDays(saturday, 1);
  return hikeDay === date ? 'hike' : 'weekend';
}
