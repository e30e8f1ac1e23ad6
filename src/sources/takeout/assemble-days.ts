/**
 * The merge: per-file results (file-read.ts) into civil days, and the completeness rule, in one place.
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
import type { DateRange, DayInput, DayRecord, SleepLog, SourceWarning, WithheldReason } from '../day-record';
import { KIND_NAMES, type DataKind, type PlannedFile } from './data-file';
import { DayWindows, shownSpan, type DayWindow, type ExportTimezone } from './day-windows';
import { covers } from './file-plan';
import type { FileRead } from './file-read';

const MINUTES_PER_DAY = 1440;

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
}

export interface AssembledDays {
  days: Map<string, DayRecord>;
  /** Days with data whose window is not the profile zone's day (cut at another offset). */
  otherOffsetDays: string[];
  /** Warnings about repeats and conflicts between files (record-level ones stay with each FileRead). */
  warnings: SourceWarning[];
}

class DayState {
  steps = 0;
  heartSum = 0;
  heartCount = 0;
  readonly minuteSums = new Float64Array(MINUTES_PER_DAY);
  readonly minuteCounts = new Uint32Array(MINUTES_PER_DAY);
  resting: number | undefined;
  readonly sleeps: SleepLog[] = [];
  readonly contributors = new Map<DataKind, Set<string>>();
  readonly withheld: Partial<Record<DayInput, WithheldReason>> = {};

  constructor(readonly window: DayWindow | undefined) {}

  contributed(kind: DataKind, member: string): void {
    let set = this.contributors.get(kind);
    if (!set) this.contributors.set(kind, (set = new Set()));
    set.add(member);
  }

  /** The first reason given for an input wins: it is the one the warning will show. */
  withhold(input: DayInput, reason: WithheldReason): void {
    this.withheld[input] ??= reason;
  }
}

function damageReason(read: FileRead): string {
  const lost =
    read.records === 0
      ? 'no record of it could be read'
      : `none of the ${read.records === 1 ? '1 record' : `${read.records} records`} read from it is used`;
  return `not read whole: ${read.damage ?? 'damaged'}; ${lost}`;
}

const isoOf = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

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

  for (const read of reads) addSamples(read, windows, states);
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

function isOneDay(file: PlannedFile): boolean {
  const p = file.period;
  return p?.from !== undefined && p.to === addDays(p.from, 1);
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

/** Days holding a skipped record (or, when its place is unknown, every day of the file) are withheld. */
function markDoubtful(
  read: FileRead,
  file: PlannedFile,
  states: Map<string, DayState>,
  stateAt: (instant: number) => DayState | undefined,
): void {
  if (read.skipped === 0) return;
  const reason: WithheldReason = {
    file: read.member,
    reason: `${read.skipped === 1 ? '1 record' : `${read.skipped} records`} of it skipped (named in the warnings about it)`,
  };
  const input = read.kind as DayInput;
  for (const t of read.doubtfulInstants) stateAt(t)?.withhold(input, reason);
  for (const d of read.doubtfulDates) states.get(d)?.withhold(input, reason);
  if (read.doubtfulEverywhere) {
    for (const [date, state] of states) {
      if (covers(file, date) || state.contributors.get(read.kind)?.has(read.member))
        state.withhold(input, reason);
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

/** Every file covering a day, or with records on it, must be whole; samples need a file covering their day. */
function checkFiles(
  files: readonly PlannedFile[],
  reads: ReadonlyMap<string, FileRead>,
  states: Map<string, DayState>,
): void {
  for (const [date, state] of states) {
    for (const kind of ['steps', 'heart', 'resting', 'sleep'] as const) {
      const covering = files.filter((f) => f.kind === kind && covers(f, date));
      const contributors = [...(state.contributors.get(kind) ?? [])];
      for (const member of new Set([...covering.map((f) => f.member), ...contributors])) {
        const read = reads.get(member);
        if (read && !read.whole) state.withhold(kind, { file: member, reason: damageReason(read) });
      }
      if (kind !== 'steps' && kind !== 'heart') continue;
      if (covering.length === 0 && contributors.length > 0) {
        state.withhold(kind, {
          file: contributors[0] as string,
          reason: `some of its samples fall on a day that no ${KIND_NAMES[kind]} file covers (a missing or misnamed file's day)`,
        });
      }
      const spans = contributors
        .map((m) => reads.get(m))
        .filter((r): r is FileRead => r?.first !== undefined && r.last !== undefined)
        .sort((a, b) => a.first! - b.first!);
      for (let i = 1; i < spans.length; i++) {
        const a = spans[i - 1] as FileRead;
        const b = spans[i] as FileRead;
        if (b.first! <= a.last!) {
          state.withhold(kind, {
            file: b.member,
            reason: `holds samples of the same hours as ${a.member} (two versions of them)`,
          });
        }
      }
    }
  }
}

/**
 * A misnamed file is reported through the days its records fall on (checkFiles); one whose records fall on no
 * day of the range (or that holds none) is named here, so it never goes unmentioned.
 */
function misnamedWithoutDays(
  files: readonly PlannedFile[],
  reads: ReadonlyMap<string, FileRead>,
  states: Map<string, DayState>,
): SourceWarning[] {
  const warnings: SourceWarning[] = [];
  for (const file of files.filter((f) => f.misnamed)) {
    const read = reads.get(file.member);
    const placed = [...states.values()].some((s) => s.contributors.get(file.kind)?.has(file.member));
    if (!read || placed) continue;
    warnings.push({
      file: file.member,
      message: `${file.misnamed}; not used (${read.records === 1 ? '1 record' : `${read.records} records`}, none on the days collected)`,
    });
  }
  return warnings;
}

/** A day with a resting heart rate was worn: no heart-rate or steps file for it means a file is missing. */
function checkMissing(files: readonly PlannedFile[], states: Map<string, DayState>): void {
  const folderOf = (kind: DataKind) => {
    const member = files.find((f) => f.kind === kind)?.member ?? files[0]?.member ?? '';
    return member.slice(0, member.lastIndexOf('/') + 1);
  };
  for (const [date, state] of states) {
    if (state.resting === undefined || state.withheld.resting) continue;
    for (const kind of ['heart', 'steps'] as const) {
      if (files.some((f) => f.kind === kind && covers(f, date))) continue;
      const classic = files.some((f) => f.kind === kind && f.layout === 'classic-json');
      const expected =
        kind === 'heart' && classic
          ? `${folderOf(kind)}heart_rate-${date}.json`
          : `${folderOf(kind)}${kind === 'heart' ? 'heart_rate' : 'steps'} file covering ${date}`;
      state.withhold(kind, {
        file: expected,
        reason: `missing: the day has a resting heart rate (the tracker was worn) but no ${KIND_NAMES[kind]} file covers it, so all of that day's ${KIND_NAMES[kind]} records are lost`,
      });
    }
  }
}

/**
 * The export's first and last day (by heart-rate file names) are short when their heart-rate file does not
 * show a whole day: the tracker started, or the export was made, during the day.
 */
function checkShortDays(
  allFiles: readonly PlannedFile[],
  reads: ReadonlyMap<string, FileRead>,
  spans: ReadonlyMap<string, unknown>,
  states: Map<string, DayState>,
): void {
  const heartFiles = allFiles
    .filter((f) => f.kind === 'heart' && isOneDay(f))
    .sort((a, b) => a.date!.localeCompare(b.date!));
  const edges: Array<[PlannedFile | undefined, 'first' | 'last']> = [
    [heartFiles[0], 'first'],
    [heartFiles[heartFiles.length - 1], 'last'],
  ];
  for (const [file, edge] of edges) {
    const date = file?.date;
    const read = file ? reads.get(file.member) : undefined;
    const state = date ? states.get(date) : undefined;
    if (!file || !read || !state || !read.whole || spans.has(date!) || read.first === undefined) continue;
    const reason: WithheldReason = {
      file: file.member,
      reason:
        edge === 'first'
          ? `the export's first day is not whole: its heart rate starts at ${isoOf(read.first)}`
          : `the export's last day is not whole: its heart rate ends at ${isoOf(read.last!)}`,
      expected: true,
    };
    state.withhold('heart', reason);
    state.withhold('steps', reason);
  }
}

function bySleepStart(a: SleepLog, b: SleepLog): number {
  if (a.startTime === undefined || b.startTime === undefined) return 0;
  return a.startTime < b.startTime ? -1 : a.startTime > b.startTime ? 1 : 0;
}

/** The day's record: values of the inputs that are not withheld, and the reasons of those that are. */
function toRecord(date: string, state: DayState): DayRecord | undefined {
  const record: DayRecord = { date };
  const w = state.withheld;
  if (!w.steps && state.contributors.has('steps')) record.steps = state.steps;
  if (!w.resting && state.resting !== undefined) record.restingHeartRate = state.resting;
  if (!w.heart && state.heartCount > 0) {
    const minutes: Array<[number, number, number]> = [];
    for (let m = 0; m < MINUTES_PER_DAY; m++) {
      const n = state.minuteCounts[m] as number;
      if (n > 0) minutes.push([m, state.minuteSums[m] as number, n]);
    }
    record.heart = { sum: state.heartSum, count: state.heartCount, minutes };
  }
  if (!w.sleep && state.sleeps.length > 0) record.sleeps = [...state.sleeps].sort(bySleepStart);
  if (Object.keys(w).length > 0) record.withheld = { ...w };
  return Object.keys(record).length > 1 ? record : undefined;
}
