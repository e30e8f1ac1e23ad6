/**
 * The day follows the wearer: where each civil day begins and ends, as UTC instants.
 *
 * Heart-rate and steps times in an export are UTC. Which civil day an instant belongs to depends on the UTC
 * offset the wearer lived at that day, and the profile holds only the current zone: someone who spent months
 * abroad would get "days" from noon to noon of their real local time if every day were cut at the profile
 * zone. But a daily heart-rate file runs from the wearer's local midnight to local midnight (of that time and
 * place), so a complete one shows the day's span, and with it the offset the device used that day.
 *
 * A file SHOWS ITS DAY'S SPAN when, with S its first sample time rounded down to a quarter hour and E its last
 * sample time rounded down to a quarter hour plus 15 minutes (every UTC offset is whole quarter hours), E - S
 * is exactly 24 hours, or S and E are exactly the profile zone's midnights of D and D+1 (23 or 25 hours on a
 * DST day at home); and D's midnight minus S, and D+1's minus E, are offsets between -12:00 and +14:00. A file
 * of a day worn only in part, or of a day of travel (30 hours flying west), shows no span.
 *
 * The instant B(D) at which day D begins is, by the first rule that applies:
 *   1. the end E of D-1's span, or the start S of D's span (the earlier one when both exist);
 *   2. when days D-1 and D+1 both begin by rule 1 at the same offset, D's midnight at that offset (a day off
 *      wrist between two days at one offset);
 *   3. the profile zone's midnight of D.
 * Day D runs from B(D) to B(D+1), so the days tile time: no instant is on two days or on none. A travel day
 * is the stretch between the span of the day before and the span of the day after. With mode 'profile',
 * every day is the profile zone's (as before this rule existed); with 'local', the export's times are read as
 * wall-clock times and every day runs from 00:00 to 24:00 of them.
 */
import { addDays, civilDates, civilMs } from '../../util/civil-date';
import { zoneClock, type ZoneClock } from '../../util/timezone';

export type ExportTimezone = 'wearer' | 'profile' | 'local';

const MINUTE_MS = 60_000;
const QUARTER_HOUR_MS = 15 * MINUTE_MS;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const MINUTES_PER_DAY = 1440;
const MIN_OFFSET_MS = -12 * HOUR_MS;
const MAX_OFFSET_MS = 14 * HOUR_MS;

/** First and last sample time of a whole daily heart-rate file. */
export interface SampleSpan {
  first: number;
  last: number;
}

export type BoundarySource = 'heart-rate file' | 'neighbours' | 'profile zone' | 'wall clock';

export interface DayWindow {
  date: string;
  start: number;
  end: number;
  /** D's midnight minus start: the UTC offset the day began at. */
  offsetMs: number;
  /** Whether the window is exactly the profile zone's day D. */
  atProfileZone: boolean;
  /** Which rule gave the start. */
  startSource: BoundarySource;
}

/** The span a whole daily heart-rate file shows (see the module comment), or undefined. */
export function shownSpan(
  date: string,
  samples: SampleSpan,
  profile: ZoneClock,
): { start: number; end: number } | undefined {
  const start = Math.floor(samples.first / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
  const end = Math.floor(samples.last / QUARTER_HOUR_MS) * QUARTER_HOUR_MS + QUARTER_HOUR_MS;
  const offsetAtStart = civilMs(date) - start;
  const offsetAtEnd = civilMs(addDays(date, 1)) - end;
  const plausible = (offset: number) => offset >= MIN_OFFSET_MS && offset <= MAX_OFFSET_MS;
  if (!plausible(offsetAtStart) || !plausible(offsetAtEnd)) return undefined;
  if (end - start === DAY_MS) return { start, end };
  if (start === profile.dayStart(date) && end === profile.dayStart(addDays(date, 1))) return { start, end };
  return undefined;
}

export class DayWindows {
  private readonly windows: DayWindow[];
  private readonly byDate = new Map<string, DayWindow>();

  private constructor(
    windows: DayWindow[],
    private readonly clockOf: (window: DayWindow) => (instant: number) => number,
  ) {
    this.windows = windows;
    for (const w of windows) this.byDate.set(w.date, w);
  }

  /**
   * Windows of every date from..to. `spans` holds the span each whole daily heart-rate file shows (by its
   * date); it needs the files of from-2 .. to+2 to decide every boundary of from..to+1.
   */
  static build(
    from: string,
    to: string,
    spans: ReadonlyMap<string, { start: number; end: number }>,
    profileZone: string,
    mode: ExportTimezone,
  ): DayWindows {
    const profile = zoneClock(profileZone);
    const dates = civilDates(from, addDays(to, 1));
    const boundaries = new Map<string, { at: number; source: BoundarySource }>();
    if (mode === 'local') {
      for (const d of dates) boundaries.set(d, { at: civilMs(d), source: 'wall clock' });
    } else if (mode === 'profile') {
      for (const d of dates) boundaries.set(d, { at: profile.dayStart(d), source: 'profile zone' });
    } else {
      const evidenced = (d: string): number | undefined => {
        const ownStart = spans.get(d)?.start;
        const previousEnd = spans.get(addDays(d, -1))?.end;
        if (ownStart !== undefined && previousEnd !== undefined) return Math.min(ownStart, previousEnd);
        return ownStart ?? previousEnd;
      };
      for (const d of dates) {
        const at = evidenced(d);
        if (at !== undefined) {
          boundaries.set(d, { at, source: 'heart-rate file' });
          continue;
        }
        const before = evidenced(addDays(d, -1));
        const after = evidenced(addDays(d, 1));
        const offsetBefore = before === undefined ? undefined : civilMs(addDays(d, -1)) - before;
        const offsetAfter = after === undefined ? undefined : civilMs(addDays(d, 1)) - after;
        if (offsetBefore !== undefined && offsetBefore === offsetAfter) {
          boundaries.set(d, { at: civilMs(d) - offsetBefore, source: 'neighbours' });
        } else {
          boundaries.set(d, { at: profile.dayStart(d), source: 'profile zone' });
        }
      }
    }
    const windows: DayWindow[] = [];
    for (let i = 0; i + 1 < dates.length; i++) {
      const date = dates[i] as string;
      const begin = boundaries.get(date)!;
      // Never backwards: after an implausible jump of offsets a day is empty rather than overlapping.
      const end = Math.max(boundaries.get(dates[i + 1] as string)!.at, begin.at);
      windows.push({
        date,
        start: begin.at,
        end,
        offsetMs: civilMs(date) - begin.at,
        atProfileZone:
          mode === 'local' ||
          (begin.at === profile.dayStart(date) && end === profile.dayStart(dates[i + 1] as string)),
        startSource: begin.source,
      });
    }
    const clockOf = (w: DayWindow): ((instant: number) => number) => {
      if (mode === 'local') return (t) => Math.floor((t - civilMs(w.date)) / MINUTE_MS);
      if (w.atProfileZone) return (t) => profile.localParts(t).minuteOfDay;
      // A day at one fixed offset; minutes past 24:00 of a longer day (flying west) share the clock minutes of
      // its first hours, as the repeated hour of a DST day does.
      const midnight = civilMs(w.date);
      return (t) => Math.floor((t + w.offsetMs - midnight) / MINUTE_MS) % MINUTES_PER_DAY;
    };
    return new DayWindows(windows, clockOf);
  }

  get(date: string): DayWindow | undefined {
    return this.byDate.get(date);
  }

  all(): readonly DayWindow[] {
    return this.windows;
  }

  /** The window holding the instant, or undefined outside every window. */
  find(instant: number): DayWindow | undefined {
    let lo = 0;
    let hi = this.windows.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const w = this.windows[mid] as DayWindow;
      if (instant < w.start) hi = mid - 1;
      else if (instant >= w.end) lo = mid + 1;
      else return w;
    }
    return undefined;
  }

  /** A function giving the clock minute (0..1439) of an instant inside the window. */
  clock(window: DayWindow): (instant: number) => number {
    return this.clockOf(window);
  }
}
