import type { CheckState, SeyrenAlert } from '../clients/seyren/types';

/**
 * Since when a check has been in its current state, read from its alerts newest first (pure, fed one alert at a
 * time so that the caller can stop paging as soon as it is known). Facts it relies on (Seyren 1.5.0's
 * CheckRunner): every run writes its alerts with one shared timestamp; a series that is WARN or ERROR gets an
 * alert at every run, so the newest run's alerts name every series now unhealthy; the alert that changed a
 * series' state is the one whose fromType differs from its toType; a recovery is an alert with toType OK; and
 * OK→OK writes nothing, nor does a series without data, so UNKNOWN is never in an alert.
 *
 * - WARN or ERROR: the earliest time at which one of the series now in that state entered it.
 * - OK: the newest alert, when it is a recovery (the last series that was unhealthy became OK then).
 * - UNKNOWN, EXCEPTION, or a check whose alerts say otherwise than its state: not known.
 */

/** A series as the newest run with alerts left it. */
export interface SeriesState {
  series: string;
  state: CheckState;
  value: number | null;
  /** Epoch ms of that run. */
  at: number;
  warn: number | null;
  error: number | null;
}

export interface StateSince {
  /** Epoch ms; undefined when the alerts cannot tell. */
  since?: number;
  /** false: `since` is only a bound (the state began before the oldest alert read). */
  exact: boolean;
  /** The series of the newest run with alerts. */
  latest: SeriesState[];
}

export class StateSinceFinder {
  private newestRun?: number;
  private runComplete = false;
  private readonly latest: SeriesState[] = [];
  /** Series now in the check's state whose entry into it is not found yet: the time of their oldest alert. */
  private readonly pending = new Map<string, number>();
  private readonly entered: number[] = [];
  private settled: boolean;
  private since?: number;
  private oldest?: number;

  constructor(private readonly state: CheckState) {
    this.settled = state !== 'OK' && state !== 'WARN' && state !== 'ERROR';
  }

  /** True once more alerts cannot change the answer. */
  get done(): boolean {
    return this.settled;
  }

  add(alert: SeyrenAlert): void {
    if (this.settled) return;
    const series = alert.target ?? '';
    this.oldest = alert.timestamp;
    if (this.newestRun === undefined) this.newestRun = alert.timestamp;
    if (!this.runComplete && alert.timestamp === this.newestRun) {
      this.latest.push({
        series,
        state: alert.toType,
        value: alert.value,
        at: alert.timestamp,
        warn: alert.warn,
        error: alert.error,
      });
      if (this.state === 'OK') {
        if (alert.toType === 'OK') this.since = alert.timestamp;
        this.settled = true;
        return;
      }
      if (alert.toType === this.state) this.pending.set(series, alert.timestamp);
    } else if (!this.runComplete) {
      this.runComplete = true;
      if (this.pending.size === 0) {
        // Every series of the newest run in the check's state was placed (or none is: the alerts disagree).
        this.settled = true;
        return;
      }
    }
    const seenAt = this.pending.get(series);
    if (seenAt === undefined) return;
    if (alert.toType !== this.state) {
      // The alert that led into the state is missing (pruned): the newer neighbour is the best bound.
      this.enter(series, seenAt);
    } else if (alert.fromType !== alert.toType) {
      this.enter(series, alert.timestamp);
    } else {
      this.pending.set(series, alert.timestamp);
    }
  }

  /** The answer from the alerts read so far; call after the last one (or once `done`). */
  result(): StateSince {
    const latest = [...this.latest];
    if (this.state === 'OK') return { since: this.since, exact: this.since !== undefined, latest };
    if (this.state !== 'WARN' && this.state !== 'ERROR') return { since: undefined, exact: false, latest };
    if (this.entered.length === 0 && this.pending.size === 0)
      return { since: undefined, exact: false, latest };
    if (this.pending.size > 0) {
      // Reading ended before every series' entry was found: the state began at the oldest alert read or before.
      return { since: this.oldest, exact: false, latest };
    }
    return { since: Math.min(...this.entered), exact: true, latest };
  }

  private enter(series: string, at: number): void {
    this.entered.push(at);
    this.pending.delete(series);
    if (this.runComplete && this.pending.size === 0) this.settled = true;
  }
}
