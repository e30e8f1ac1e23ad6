/**
 * The normalised form of one civil day of one person's data, whatever the source (Takeout export, Google
 * Health API, sample generator, working-days file). Sources produce it, the archive stores it (one JSON per
 * source and day), and metric derivation reads only it: a new source adds a reader, nothing else.
 */

/** Heart-rate samples of one civil day, reduced to what the daily metrics need (not every sample). */
export interface HeartDay {
  /** Sum and count of every sample whose local time falls on the day: the mean is exact. */
  sum: number;
  count: number;
  /**
   * Per local clock minute (hours*60 + minutes, 0..1439): [minuteOfDay, sum, count], sorted by minute.
   * On the day clocks go back, the repeated hour shares its clock minutes, as the definition says.
   */
  minutes: Array<[number, number, number]>;
}

/** A sleep level segment, in order: `light`, `deep`, `rem`, `wake`, and `asleep`/`restless`/`awake` in classic logs. */
export interface SleepSegment {
  level: string;
  seconds: number;
}

export interface SleepLog {
  /** The civil date the sleep ended on (Fitbit's `dateOfSleep`), i.e. the morning after the night. */
  dateOfSleep: string;
  /**
   * The source's own main-sleep flag; undefined when the source has none (older fitbit.com exports, the
   * Google-era CSV): then the longest log of the night is its main sleep (see mainSleep in metrics/derive).
   */
  isMainSleep?: boolean;
  minutesAsleep: number;
  /** Local wall-clock times as the source gives them (no offset), for the archive and for humans. */
  startTime?: string;
  endTime?: string;
  /** `levels.data` in order; undefined when the log has no levels. */
  levels?: SleepSegment[];
}

export interface DayRecord {
  /** Civil date YYYY-MM-DD in the user's time zone. */
  date: string;
  /** Sum of step counts whose local time falls on the day. */
  steps?: number;
  /** Resting heart rate recorded for the day; absent when not worn (a recorded 0 means absent). */
  restingHeartRate?: number;
  heart?: HeartDay;
  /** Sleep logs whose dateOfSleep is this day. */
  sleeps?: SleepLog[];
  /** From the working-days file: 1 worked, 0 did not. */
  worked?: 0 | 1;
  /**
   * Inputs of the day that are known to be incomplete or doubtful (a damaged file, a skipped record, two
   * versions of one sample), each with the reason. The metrics fed by a withheld input get no value for the
   * day, and the record holds no partial value for it: see INPUT_METRICS in metrics/derive.
   */
  withheld?: Withheld;
}

/** The inputs of a day record, each feeding one or more daily metrics. */
export const DAY_INPUTS = ['steps', 'heart', 'resting', 'sleep', 'worked'] as const;
export type DayInput = (typeof DAY_INPUTS)[number];

/** Why an input of a day is withheld. The reason does not name the day, so one warning can list them all. */
export interface WithheldReason {
  /** The file (export member, archive file, working-days file) the problem is in. */
  file: string;
  /** What is wrong and what was lost, e.g. "not read whole (...); none of its 1234 records is used". */
  reason: string;
  /**
   * Set for what every export has and is not damage (its first and last day are cut short by when the
   * tracker started and the export was made): reported as information, not as a warning.
   */
  expected?: boolean;
}

/** Why each withheld input of a day is withheld. */
export type Withheld = Partial<Record<DayInput, WithheldReason>>;

/** A problem with one piece of input that was skipped; collection goes on with the rest. */
export interface SourceWarning {
  /** The input file (or API call) it came from. */
  file: string;
  /** Which record: an index in a JSON array, a CSV line number, a logId. */
  record?: string | number;
  message: string;
}

export interface DateRange {
  /** Inclusive civil dates YYYY-MM-DD; undefined = unbounded. */
  from?: string;
  to?: string;
}

export interface SourceResult {
  source: string;
  /** IANA zone the civil dates are in, e.g. Europe/Berlin. */
  timeZone: string;
  /** By date, sorted ascending when iterated. */
  days: Map<string, DayRecord>;
  warnings: SourceWarning[];
  /** Raw inputs read, for the log line: files or API requests. */
  inputs: number;
  /** Days with samples cut at another UTC offset than the profile zone's (the wearer was away); exports only. */
  otherOffsetDays?: string[];
  /** How long reading took, ms (exports: from opening the export to its days assembled). */
  readMs?: number;
}

export interface ProgressReporter {
  /** `unit` names what is counted (default: files). */
  start(total: number, label: string, unit?: string): void;
  increment(by?: number): void;
  stop(): void;
}

export const silentProgress: ProgressReporter = { start() {}, increment() {}, stop() {} };
