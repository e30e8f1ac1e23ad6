/**
 * Civil-time helpers: which civil date and clock minute an instant falls on in an IANA zone, and the Fitbit
 * export's `MM/DD/YY HH:MM:SS` timestamps.
 *
 * Intl.DateTimeFormat costs about a microsecond per call and a year of 5-second heart samples is six million
 * instants, so a ZoneClock asks Intl once per UTC hour and caches the offset. Zone transitions happen on whole
 * UTC hours in practice; an hour whose offset differs between its first and last second is marked and its
 * instants are converted one by one, so the cache is never wrong, only slower there.
 */

export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

export interface LocalParts {
  /** Civil date YYYY-MM-DD. */
  date: string;
  /** Clock minute of the civil day, hours*60 + minutes (0..1439). */
  minuteOfDay: number;
}

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function floorMod(value: number, modulus: number): number {
  return ((value % modulus) + modulus) % modulus;
}

/** Names of days since the epoch, cached: consecutive samples share a day, and toISOString is not free. */
const dayNames = new Map<number, string>();

function dayName(dayIndex: number): string {
  let name = dayNames.get(dayIndex);
  if (name === undefined) {
    name = new Date(dayIndex * MS_PER_DAY).toISOString().slice(0, 10);
    dayNames.set(dayIndex, name);
  }
  return name;
}

/**
 * Civil date and clock minute of a wall-clock time already expressed "as if UTC" (the form
 * parseFitbitDateTime returns): no zone conversion, the fields are read as they are.
 */
export function wallParts(wallMsAsUtc: number): LocalParts {
  const dayIndex = Math.floor(wallMsAsUtc / MS_PER_DAY);
  const minuteOfDay = Math.floor((wallMsAsUtc - dayIndex * MS_PER_DAY) / MS_PER_MINUTE);
  return { date: dayName(dayIndex), minuteOfDay };
}

/** Converts instants to civil time in one zone, caching the offset per UTC hour. */
export class ZoneClock {
  private readonly formatter: Intl.DateTimeFormat;
  /** Offset in ms per UTC hour index; null when the offset changes inside that hour. */
  private readonly hourOffsets = new Map<number, number | null>();
  /** Samples arrive in time order, so the last hour looked up is usually the next one asked for. */
  private lastHour = Number.NaN;
  private lastOffset: number | null = null;

  /** Throws RangeError for an unknown zone: check with isValidTimeZone first when the zone is user input. */
  constructor(readonly zone: string) {
    this.formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  }

  /** The zone's offset from UTC at the instant, in ms (east of Greenwich positive). */
  offsetAt(epochMs: number): number {
    const hour = Math.floor(epochMs / MS_PER_HOUR);
    let offset: number | null | undefined;
    if (hour === this.lastHour) {
      offset = this.lastOffset;
    } else {
      offset = this.hourOffsets.get(hour);
      if (offset === undefined) {
        const atStart = this.computeOffset(hour * MS_PER_HOUR);
        const atEnd = this.computeOffset((hour + 1) * MS_PER_HOUR - 1000);
        offset = atStart === atEnd ? atStart : null;
        this.hourOffsets.set(hour, offset);
      }
      this.lastHour = hour;
      this.lastOffset = offset;
    }
    return offset ?? this.computeOffset(epochMs);
  }

  localParts(epochMs: number): LocalParts {
    return wallParts(epochMs + this.offsetAt(epochMs));
  }

  /**
   * The instant a civil date (YYYY-MM-DD) begins: its local midnight. Two passes settle the offset; where a
   * zone skips midnight itself (a DST change at 00:00), the first instant after the gap.
   */
  dayStart(date: string): number {
    const wall = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
    const guess = wall - this.offsetAt(wall);
    return wall - this.offsetAt(guess);
  }

  private computeOffset(epochMs: number): number {
    const fields: Record<string, number> = {};
    for (const part of this.formatter.formatToParts(new Date(epochMs))) {
      if (part.type !== 'literal') fields[part.type] = Number(part.value);
    }
    const wallAsUtc = Date.UTC(
      fields.year ?? 1970,
      (fields.month ?? 1) - 1,
      fields.day ?? 1,
      fields.hour ?? 0,
      fields.minute ?? 0,
      fields.second ?? 0,
    );
    // Intl has second resolution: compare with the instant truncated to its second.
    return wallAsUtc - (epochMs - floorMod(epochMs, 1000));
  }
}

const clocks = new Map<string, ZoneClock>();

/** The shared ZoneClock of a zone (its cache lives as long as the process: a few bytes per hour of data). */
export function zoneClock(zone: string): ZoneClock {
  let clock = clocks.get(zone);
  if (!clock) {
    clock = new ZoneClock(zone);
    clocks.set(zone, clock);
  }
  return clock;
}

/** Civil date and clock minute of an instant in `zone`. */
export function localParts(epochMs: number, zone: string): LocalParts {
  return zoneClock(zone).localParts(epochMs);
}

const FITBIT_DATE = /^(\d{2})\/(\d{2})\/(\d{2})$/;
const CLOCK_TIME = /^(\d{2}):(\d{2}):(\d{2})$/;

/** Two-digit years are 20YY: Fitbit devices date from 2009, so no export holds a 19YY timestamp. */
function fitbitYear(yy: string): number {
  return 2000 + Number(yy);
}

function validCivilDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  // Day 0 of the next month is the last day of this one.
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Epoch ms of a `MM/DD/YY` midnight, or NaN. */
export function fitbitDayMs(text: string): number {
  const m = FITBIT_DATE.exec(text);
  if (!m) return Number.NaN;
  const year = fitbitYear(m[3] as string);
  const month = Number(m[1]);
  const day = Number(m[2]);
  return validCivilDate(year, month, day) ? Date.UTC(year, month - 1, day) : Number.NaN;
}

/** Consecutive samples share their date: the last one parsed is kept (thousands of samples a day). */
let lastDatePart = '';
let lastDayMs = Number.NaN;

/**
 * `MM/DD/YY HH:MM:SS` (the Fitbit export's timestamp) as epoch ms, reading the fields as if they were UTC.
 * Whether they are UTC or local wall time is the caller's decision. NaN when the text is not in that form.
 */
export function parseFitbitDateTime(text: string): number {
  if (text.length !== 17 || text[8] !== ' ') return Number.NaN;
  const datePart = text.slice(0, 8);
  if (datePart !== lastDatePart) {
    lastDatePart = datePart;
    lastDayMs = fitbitDayMs(datePart);
  }
  const m = CLOCK_TIME.exec(text.slice(9));
  if (!m || Number.isNaN(lastDayMs)) return Number.NaN;
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  const second = Number(m[3]);
  if (hour > 23 || minute > 59 || second > 59) return Number.NaN;
  return lastDayMs + hour * MS_PER_HOUR + minute * MS_PER_MINUTE + second * 1000;
}

/** `MM/DD/YY` as `YYYY-MM-DD`; undefined when the text is not a valid date in that form. */
export function parseFitbitDate(text: string): string | undefined {
  const ms = fitbitDayMs(text);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString().slice(0, 10);
}
