/** What the merge knows about one civil day while it assembles it (assemble-days.ts). */
import type { DayInput, DayRecord, SleepLog, WithheldReason } from '../day-record';
import type { DataKind } from './data-file';
import type { DayWindow } from './day-windows';

const MINUTES_PER_DAY = 1440;

export class DayState {
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

function bySleepStart(a: SleepLog, b: SleepLog): number {
  if (a.startTime === undefined || b.startTime === undefined) return 0;
  return a.startTime < b.startTime ? -1 : a.startTime > b.startTime ? 1 : 0;
}

/** The day's record: values of the inputs that are not withheld, and the reasons of those that are. */
export function toRecord(date: string, state: DayState): DayRecord | undefined {
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
