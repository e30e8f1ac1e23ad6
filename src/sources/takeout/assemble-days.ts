/**
 * The merge: per-file results (file-read.ts) into civil days, then the completeness decision, made here once
 * for all files and days (its checks are in completeness.ts, the days' state in day-state.ts).
 *
 * Samples go to the day whose window (day-windows.ts) holds their instant; resting rates and sleep logs carry
 * their civil date. Then, per day D and input (steps, heart rate, resting rate, sleep), the input is WITHHELD
 * (no value, and no partial value kept) when:
 *   - a file whose period covers D, or whose records fall on D, was not read whole (missing bytes, invalid
 *     JSON, not an array, unreadable, a corrupt zip member, refused for size, misnamed);
 *   - a record of it that belongs to D was skipped (implausible, unreadable time, outside its file's period,
 *     a conflicting repeat);
 *   - samples fall on D but no file of their kind covers D (they spill over from a neighbour's file);
 *   - two files of the kind hold samples of D from overlapping hours, or disagree on a date or sleep log;
 *   - D has a resting heart rate (the tracker was worn) but no heart-rate or no steps file covers D: missing;
 *   - D is the export's first or last day and its heart-rate file shows it was not a whole day (expected on
 *     every export, reported as information).
 * Every reason names the file; the pipeline turns them into one warning per file and reason.
 */
import { addDays, civilDates } from '../../util/civil-date';
import { zoneClock } from '../../util/timezone';
import type { DateRange, DayInput, DayRecord, SleepLog, SourceWarning } from '../day-record';
import type { PlannedFile } from './data-file';
import { DayState, toRecord } from './day-state';
import { DayWindows, shownSpan, type DayWindow, type ExportTimezone } from './day-windows';
import type { FileRead } from './file-read';
import {
  checkFiles,
  checkMissing,
  checkShortDays,
  isOneDay,
  markDoubtful,
  misnamedWithoutDays,
} from './completeness';

export interface AssembleOptions {
  /** The files that were read (selected from the plan), each with its result in `reads`. */
  files: readonly PlannedFile[];
  reads: ReadonlyMap<string, FileRead>;
  /** Every data file of the export (its first and last day come from the heart-rate file names). */
  allFiles: readonly PlannedFile[];
  /** Days to produce, inclusive; an open end is taken from the data. */
  range: DateRange;
  timeZone: string;
  mode: ExportTimezone;
  /**
   * Release each read's sample totals once they are placed on their days (the bulk of a year's reads, not
   * needed after): readTakeout passes true, since the reads are its own and die with it.
   */
  releaseSamples?: boolean;
}

export interface AssembledDays {
  days: Map<string, DayRecord>;
  /** Days with data whose window is not the profile zone's day (cut at another offset). */
  otherOffsetDays: string[];
  /** Warnings about repeats and conflicts between files (record-level ones stay with each FileRead). */
  warnings: SourceWarning[];
}

/** The date span the data of the reads touch (profile zone), for an open range. */
function dataSpan(reads: Iterable<FileRead>, timeZone: string): { from?: string; to?: string } {
  const clock = zoneClock(timeZone);
  let from: string | undefined;
  let to: string | undefined;
  const see = (date: string) => {
    if (from === undefined || date < from) from = date;
    if (to === undefined || date > to) to = date;
  };
  for (const read of reads) {
    // A day either side: the wearer's days can be cut at another offset than the profile zone's.
    if (read.first !== undefined) see(addDays(clock.localParts(read.first).date, -1));
    if (read.last !== undefined) see(addDays(clock.localParts(read.last).date, 1));
    for (const r of read.resting ?? []) see(r.date);
    for (const s of read.sleeps ?? []) see(s.log.dateOfSleep);
  }
  return { from, to };
}

export function assembleDays(o: AssembleOptions): AssembledDays {
  const warnings: SourceWarning[] = [];
  const reads = o.files.map((f) => o.reads.get(f.member)).filter((r): r is FileRead => r !== undefined);
  const span = dataSpan(reads, o.timeZone);
  const from = o.range.from ?? span.from;
  const to = o.range.to ?? span.to;
  if (from === undefined || to === undefined || from > to)
    return { days: new Map(), otherOffsetDays: [], warnings };

  const profile = zoneClock(o.timeZone);
  const fileOf = new Map(o.files.map((f) => [f.member, f]));
  // What each whole daily heart-rate file shows; the windows use them in 'wearer' mode, short days in all.
  const spans = new Map<string, { start: number; end: number }>();
  for (const read of reads) {
    const file = fileOf.get(read.member)!;
    if (read.kind !== 'heart' || !read.whole || read.first === undefined || read.last === undefined) continue;
    if (!isOneDay(file)) continue;
    const shown = shownSpan(file.period!.from!, { first: read.first, last: read.last }, profile);
    if (shown) spans.set(file.period!.from!, shown);
  }
  const windows = DayWindows.build(from, to, o.mode === 'wearer' ? spans : new Map(), o.timeZone, o.mode);
  const states = new Map<string, DayState>();
  for (const date of civilDates(from, to)) states.set(date, new DayState(windows.get(date)));
  const stateAt = (instant: number): DayState | undefined => {
    const w = windows.find(instant);
    return w ? states.get(w.date) : undefined;
  };

  for (const read of reads) {
    addSamples(read, windows, states);
    if (o.releaseSamples) {
      delete read.heart;
      delete read.steps;
    }
  }
  for (const read of reads) markDoubtful(read, fileOf.get(read.member)!, states, stateAt);
  addDated(reads, states, warnings);
  checkFiles(o.files, o.reads, states);
  warnings.push(...misnamedWithoutDays(o.files, o.reads, states));
  checkMissing(o.files, states);
  checkShortDays(o.allFiles, o.reads, spans, states);

  const days = new Map<string, DayRecord>();
  const otherOffsetDays: string[] = [];
  for (const [date, state] of states) {
    const record = toRecord(date, state);
    if (!record) continue;
    days.set(date, record);
    if (state.window && !state.window.atProfileZone && (record.steps !== undefined || record.heart))
      otherOffsetDays.push(date);
  }
  return { days, otherOffsetDays, warnings };
}

/** Heart-rate and steps totals per UTC minute onto the days whose windows hold them. */
function addSamples(read: FileRead, windows: DayWindows, states: Map<string, DayState>): void {
  const totals = read.heart ?? read.steps;
  if (!totals) return;
  let window: DayWindow | undefined;
  let state: DayState | undefined;
  let clock: ((t: number) => number) | undefined;
  for (let i = 0; i < totals.minutes.length; i++) {
    const t = (totals.minutes[i] as number) * 60_000;
    if (!window || t < window.start || t >= window.end) {
      window = windows.find(t);
      state = window ? states.get(window.date) : undefined;
      clock = window ? windows.clock(window) : undefined;
    }
    if (!state || !clock) continue;
    state.contributed(read.kind, read.member);
    if (read.heart) {
      const sum = read.heart.sums[i] as number;
      const count = read.heart.counts[i] as number;
      const minute = clock(t);
      state.heartSum += sum;
      state.heartCount += count;
      state.minuteSums[minute] = (state.minuteSums[minute] as number) + sum;
      state.minuteCounts[minute] = (state.minuteCounts[minute] as number) + count;
    } else if (read.steps) {
      state.steps += read.steps.steps[i] as number;
    }
  }
}

/** Resting rates and sleep logs, de-duplicated across files: an exact repeat is counted, a conflict withheld. */
function addDated(
  reads: readonly FileRead[],
  states: Map<string, DayState>,
  warnings: SourceWarning[],
): void {
  const resting = new Map<string, { bpm: number; member: string }>();
  const sleepById = new Map<string, { log: SleepLog; member: string }>();
  const repeats = new Map<string, number>();
  const conflict = (input: DayInput, date: string, member: string, other: string, what: string) => {
    const reason = { file: member, reason: `disagrees with ${other} about ${what}` };
    states.get(date)?.withhold(input, reason);
  };
  for (const read of reads) {
    for (const entry of read.resting ?? []) {
      const earlier = resting.get(entry.date);
      if (!earlier) {
        resting.set(entry.date, { bpm: entry.bpm, member: read.member });
        const state = states.get(entry.date);
        if (state) {
          state.contributed('resting', read.member);
          if (entry.bpm > 0) state.resting = entry.bpm;
        }
      } else if (earlier.bpm === entry.bpm) {
        repeats.set(read.member, (repeats.get(read.member) ?? 0) + 1);
      } else {
        conflict(
          'resting',
          entry.date,
          read.member,
          earlier.member,
          `the resting heart rate of ${entry.date}`,
        );
      }
    }
    for (const entry of read.sleeps ?? []) {
      const state = states.get(entry.log.dateOfSleep);
      const earlier = entry.id === undefined ? undefined : sleepById.get(entry.id);
      if (earlier) {
        if (JSON.stringify(earlier.log) === JSON.stringify(entry.log))
          repeats.set(read.member, (repeats.get(read.member) ?? 0) + 1);
        else {
          conflict('sleep', entry.log.dateOfSleep, read.member, earlier.member, `sleep log ${entry.id}`);
          conflict('sleep', earlier.log.dateOfSleep, read.member, earlier.member, `sleep log ${entry.id}`);
        }
        continue;
      }
      if (entry.id !== undefined) sleepById.set(entry.id, { log: entry.log, member: read.member });
      if (state) {
        state.contributed('sleep', read.member);
        state.sleeps.push(entry.log);
      }
    }
  }
  for (const [member, n] of repeats) {
    warnings.push({
      file: member,
      message: `${n === 1 ? '1 record repeats a record' : `${n} records repeat records`} of another file exactly (same date or sleep log); each is counted once`,
    });
  }
}
