/**
 * The result of reading ONE data file of an export, and the builder the layout readers fill it with.
 *
 * Reading a file is a self-contained step: it needs the file's bytes and its plan (kind, period), nothing
 * from other files, and its result is plain data (typed arrays, arrays, strings) that a worker thread could
 * hand back. Which civil day a sample belongs to is NOT decided here: that needs the day windows, which come
 * from all heart-rate files together (day-windows.ts). So samples are kept as totals per UTC minute, which
 * loses nothing the daily metrics need (every UTC offset is whole minutes), and the merge (assemble-days.ts)
 * puts them on days and decides completeness in one place.
 *
 * Within the file, the builder applies the record rules: a repeated timestamp (or date, or sleep logId) is
 * counted once; an exact repeat is only counted, a conflicting one is warned about naming both records; a
 * record dated outside the file's period is skipped; and every skipped record marks the place it belongs to
 * as doubtful, so the merge withholds that day. Samples are sorted and totalled in batches (sample-buffer.ts),
 * so a file of any size is read in bounded memory; a file whose samples go back in time by more than a batch
 * is refused. A record whose own time cannot be read or trusted belongs
 * between its neighbours: the places of the readable records just before and after it are marked.
 */
import type { SleepLog, SourceWarning } from '../day-record';
import type { DataKind, PlannedFile } from './data-file';
import { FileWarnings } from './file-warnings';
import { SAMPLE_BATCH, SampleTotals, type RepeatSink } from './sample-buffer';

/** Heart-rate samples per UTC minute (epoch minutes, ascending). */
export interface HeartTotals {
  minutes: Int32Array;
  sums: Float64Array;
  counts: Uint32Array;
}

/** Step counts per UTC minute (epoch minutes, ascending). */
export interface StepTotals {
  minutes: Int32Array;
  steps: Float64Array;
}

export interface RestingEntry {
  date: string;
  /** 0 = not worn (the export writes 0 or null): no value, but a record that repeats must still agree. */
  bpm: number;
  record: number;
}

export interface SleepEntry {
  /** The source's id (logId, sleep_id); the same log in two files is kept once. */
  id?: string;
  log: SleepLog;
  record: string | number;
}

export interface FileRead {
  member: string;
  kind: DataKind;
  /** Read to its end with nothing structurally wrong. When false, `damage` says why and nothing is used. */
  whole: boolean;
  damage?: string;
  /** Records met (array elements or CSV data rows), used or not. */
  records: number;
  heart?: HeartTotals;
  steps?: StepTotals;
  resting?: RestingEntry[];
  sleeps?: SleepEntry[];
  /** Earliest and latest accepted sample instant (heart-rate and steps files). */
  first?: number;
  last?: number;
  /** Places of skipped records: instants (samples) or civil dates (resting, sleep). Their days are doubtful. */
  doubtfulInstants: number[];
  doubtfulDates: string[];
  /** A record was skipped and no readable record tells where it belongs: the whole file is doubtful. */
  doubtfulEverywhere: boolean;
  /** Records that repeat an earlier one exactly (counted once). */
  repeats: number;
  /** Records skipped (unreadable, implausible, outside the period, conflicting repeats). */
  skipped: number;
  /** Record-level warnings (capped per file) and the repeats summary; file damage is reported by the merge. */
  warnings: SourceWarning[];
}

/**
 * How files are parsed: 'fast' scans each file's bytes and falls back to the streaming parser only for a file
 * that fails; 'streaming' uses the streaming parser for every file (a diagnostic, and the benchmark's "before").
 * Both give the same FileRead for every file.
 */
export type ParserMode = 'fast' | 'streaming';

/** Bounds on a record's time beyond which it cannot belong to the file (see file-plan.ts). */
export interface RecordLimits {
  /** Instants, ms: [from, to). */
  instants?: { from: number; to: number };
  /** Civil dates, inclusive. */
  dates?: { from: string; to: string };
}

type Place = number | string;

/** An instant as warnings show it: ISO 8601 in UTC, without milliseconds when they are 0. */
export const isoOf = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

export class FileReadBuilder {
  readonly warnings: SourceWarning[] = [];
  private readonly fw: FileWarnings;
  private records = 0;
  private repeats = 0;
  private skipped = 0;
  private readonly doubtfulInstants = new Set<number>();
  private readonly doubtfulDates = new Set<string>();
  private doubtfulEverywhere = false;
  /** The place of the last readable record, and whether a record without a place is waiting for the next. */
  private lastPlace: Place | undefined;
  private awaitingNextPlace = false;

  // Samples in arrival order; repeats are found and totals per UTC minute made once the file is read.
  /** Samples as totals per UTC minute (sample-buffer.ts); repeats are found there. */
  private readonly samples: SampleTotals;
  private readonly resting = new Map<string, RestingEntry>();
  private readonly sleeps: SleepEntry[] = [];
  private readonly sleepById = new Map<string, SleepEntry>();

  /** `sampleBatch`: samples sorted at once (tests make it small). */
  constructor(
    readonly file: PlannedFile,
    private readonly limits: RecordLimits = {},
    sampleBatch = SAMPLE_BATCH,
  ) {
    this.fw = new FileWarnings(file.member, this.warnings);
    const repeats: RepeatSink = {
      repeat: () => this.repeats++,
      conflict: (record, t, keptRecord, keptValue, value) =>
        this.skip(
          record,
          `repeats the time ${isoOf(t)} of record ${keptRecord} with another value (${keptValue} vs ${value}); both doubtful`,
          t,
        ),
    };
    this.samples = new SampleTotals(repeats, sampleBatch);
  }

  /** Counts a record met in the file; call once per array element or CSV data row. */
  countRecord(): void {
    this.records++;
  }

  /**
   * A record that is skipped: warns and marks its place doubtful. Without a place (its time is unreadable),
   * the readable records around it are marked instead.
   */
  skip(record: string | number, message: string, place?: Place): void {
    this.skipped++;
    this.fw.record(record, message);
    if (place !== undefined) this.markDoubtful(place);
    else {
      if (this.lastPlace !== undefined) this.markDoubtful(this.lastPlace);
      this.awaitingNextPlace = true;
    }
  }

  /** A remark about a record that is kept as it is (e.g. a sleep log without levels). */
  note(record: string | number, message: string): void {
    this.fw.record(record, message);
  }

  /** A heart-rate sample (bpm already checked against the bounds). */
  heartSample(record: number, instant: number, bpm: number): void {
    this.acceptSample(record, instant, bpm);
  }

  /** A steps record (count already checked against the bounds). */
  stepsSample(record: number, instant: number, steps: number): void {
    this.acceptSample(record, instant, steps);
  }

  /** A resting heart rate of a civil date (0 = not worn). */
  restingRate(record: number, date: string, bpm: number): void {
    if (!this.acceptDate(record, date)) return;
    const earlier = this.resting.get(date);
    if (!earlier) {
      this.resting.set(date, { date, bpm, record });
    } else if (earlier.bpm === bpm) {
      this.repeats++;
    } else {
      this.skip(
        record,
        `repeats the date ${date} of record ${earlier.record} with another value (${earlier.bpm} vs ${bpm}); both doubtful`,
        date,
      );
    }
  }

  /** A sleep log (already validated); `id` de-duplicates. */
  sleepLog(record: string | number, log: SleepLog, id: string | undefined): void {
    if (!this.acceptDate(record, log.dateOfSleep)) return;
    if (id !== undefined) {
      const earlier = this.sleepById.get(id);
      if (earlier) {
        if (JSON.stringify(earlier.log) === JSON.stringify(log)) this.repeats++;
        else {
          this.skip(
            record,
            `sleep log ${id} appears twice with different content; both doubtful`,
            log.dateOfSleep,
          );
          this.markDoubtful(earlier.log.dateOfSleep);
        }
        return;
      }
    }
    const entry: SleepEntry = id === undefined ? { log, record } : { id, log, record };
    if (id !== undefined) this.sleepById.set(id, entry);
    this.sleeps.push(entry);
  }

  /** The readable place of a record, for the neighbour rule; call for every record with a readable time. */
  private placed(place: Place): void {
    if (this.awaitingNextPlace) {
      this.markDoubtful(place);
      this.awaitingNextPlace = false;
    }
    this.lastPlace = place;
  }

  private markDoubtful(place: Place): void {
    if (typeof place === 'number') this.doubtfulInstants.add(place);
    else this.doubtfulDates.add(place);
  }

  private acceptSample(record: number, instant: number, value: number): void {
    const limits = this.limits.instants;
    if (limits && (instant < limits.from || instant >= limits.to)) {
      this.skip(
        record,
        `time ${isoOf(instant)} is outside the file's period (more than the UTC shift allows); record skipped`,
      );
      return;
    }
    this.placed(instant);
    this.samples.push(instant, value, record);
  }

  private acceptDate(record: string | number, date: string): boolean {
    const limits = this.limits.dates;
    if (limits && (date < limits.from || date > limits.to)) {
      this.skip(record, `date ${date} is outside the file's period; record skipped`);
      return false;
    }
    this.placed(date);
    return true;
  }

  /** The file's result; `damage` when it was not read whole (parse error, unreadable, refused size). */
  finish(damage?: string): FileRead {
    if (this.awaitingNextPlace && this.lastPlace === undefined) this.doubtfulEverywhere = true;
    const totals =
      this.file.kind === 'heart' || this.file.kind === 'steps' ? this.samples.finish() : undefined;
    if (this.repeats > 0) {
      this.fw.problem(
        `${this.repeats === 1 ? '1 record repeats' : `${this.repeats} records repeat`} an earlier record exactly ` +
          '(same time or date, same value); each is counted once',
      );
    }
    this.fw.finish();
    const whyNot = this.file.misnamed ?? damage ?? this.samples.refused;
    const result: FileRead = {
      member: this.file.member,
      kind: this.file.kind,
      whole: whyNot === undefined,
      records: this.records,
      doubtfulInstants: [...this.doubtfulInstants].sort((a, b) => a - b),
      doubtfulDates: [...this.doubtfulDates].sort(),
      doubtfulEverywhere: this.doubtfulEverywhere,
      repeats: this.repeats,
      skipped: this.skipped,
      warnings: this.warnings,
    };
    if (whyNot !== undefined) result.damage = whyNot;
    if (this.samples.first !== undefined) result.first = this.samples.first;
    if (this.samples.last !== undefined) result.last = this.samples.last;
    if (totals && this.file.kind === 'heart') result.heart = totals;
    if (totals && this.file.kind === 'steps') result.steps = { minutes: totals.minutes, steps: totals.sums };
    if (this.file.kind === 'resting') result.resting = [...this.resting.values()];
    if (this.file.kind === 'sleep') result.sleeps = this.sleeps;
    return result;
  }
}
