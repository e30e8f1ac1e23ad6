/**
 * Folds samples into per-day totals as they stream past, so memory grows with the number of days in range,
 * not with the number of samples: a heart day is two 1440-slot typed arrays (~17 KB) however many samples
 * it had. Only dates inside the range are kept at all.
 */
import type { DateRange, DayRecord, HeartDay, SleepLog } from '../day-record';

const MINUTES_PER_DAY = 1440;

class HeartAccumulator {
  sum = 0;
  count = 0;
  readonly minuteSums = new Float64Array(MINUTES_PER_DAY);
  readonly minuteCounts = new Uint32Array(MINUTES_PER_DAY);

  add(minuteOfDay: number, bpm: number): void {
    this.sum += bpm;
    this.count++;
    this.minuteSums[minuteOfDay] = (this.minuteSums[minuteOfDay] ?? 0) + bpm;
    this.minuteCounts[minuteOfDay] = (this.minuteCounts[minuteOfDay] ?? 0) + 1;
  }

  toHeartDay(): HeartDay {
    const minutes: Array<[number, number, number]> = [];
    for (let m = 0; m < MINUTES_PER_DAY; m++) {
      const n = this.minuteCounts[m] ?? 0;
      if (n > 0) minutes.push([m, this.minuteSums[m] ?? 0, n]);
    }
    return { sum: this.sum, count: this.count, minutes };
  }
}

interface SleepEntry {
  /** The source's id when it has one: the same log found in two files is kept once. */
  id?: string;
  log: SleepLog;
}

export class DayAccumulator {
  private readonly steps = new Map<string, number>();
  private readonly resting = new Map<string, number>();
  private readonly heart = new Map<string, HeartAccumulator>();
  private readonly sleeps = new Map<string, SleepEntry[]>();
  private lastHeartDate: string | undefined;
  private lastHeartDay: HeartAccumulator | undefined;

  constructor(private readonly range: DateRange = {}) {}

  /** Whether a civil date is inside the range (inclusive). ISO dates compare correctly as strings. */
  inRange(date: string): boolean {
    return (
      (this.range.from === undefined || date >= this.range.from) &&
      (this.range.to === undefined || date <= this.range.to)
    );
  }

  addSteps(date: string, count: number): void {
    if (!this.inRange(date)) return;
    this.steps.set(date, (this.steps.get(date) ?? 0) + count);
  }

  addHeart(date: string, minuteOfDay: number, bpm: number): void {
    // Samples come in time order: the day of the previous sample is almost always the day of this one.
    if (date !== this.lastHeartDate) {
      this.lastHeartDate = date;
      this.lastHeartDay = undefined;
      if (this.inRange(date)) {
        this.lastHeartDay = this.heart.get(date);
        if (!this.lastHeartDay) {
          this.lastHeartDay = new HeartAccumulator();
          this.heart.set(date, this.lastHeartDay);
        }
      }
    }
    this.lastHeartDay?.add(minuteOfDay, bpm);
  }

  /** A resting heart rate; 0 means not worn and is not recorded. A later value for the same date wins. */
  setRestingHeartRate(date: string, bpm: number): void {
    if (!this.inRange(date) || bpm === 0) return;
    this.resting.set(date, bpm);
  }

  addSleep(log: SleepLog, id?: string): void {
    if (!this.inRange(log.dateOfSleep)) return;
    const list = this.sleeps.get(log.dateOfSleep) ?? [];
    if (id !== undefined && list.some((entry) => entry.id === id)) return;
    list.push(id === undefined ? { log } : { id, log });
    this.sleeps.set(log.dateOfSleep, list);
  }

  /** The days that have any data, sorted by date. */
  build(): Map<string, DayRecord> {
    const dates = new Set([
      ...this.steps.keys(),
      ...this.resting.keys(),
      ...this.heart.keys(),
      ...this.sleeps.keys(),
    ]);
    const days = new Map<string, DayRecord>();
    for (const date of [...dates].sort()) {
      const record: DayRecord = { date };
      const steps = this.steps.get(date);
      if (steps !== undefined) record.steps = steps;
      const resting = this.resting.get(date);
      if (resting !== undefined) record.restingHeartRate = resting;
      const heart = this.heart.get(date);
      if (heart) record.heart = heart.toHeartDay();
      const sleeps = this.sleeps.get(date);
      if (sleeps) record.sleeps = sleeps.map((entry) => entry.log).sort(bySleepStart);
      days.set(date, record);
    }
    return days;
  }
}

/** Sleeps of a day in the order they happened; logs without a start time keep their input order. */
function bySleepStart(a: SleepLog, b: SleepLog): number {
  if (a.startTime === undefined || b.startTime === undefined) return 0;
  return a.startTime < b.startTime ? -1 : a.startTime > b.startTime ? 1 : 0;
}
