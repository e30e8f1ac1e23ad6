import type { CheckState, SeyrenAlert } from '../clients/seyren/types';

/**
 * Seyren's alert records grouped into episodes: a series going unhealthy until it is OK again. Seyren 1.5.0's
 * CheckRunner writes, for each series of a check at each run, an alert unless the series was OK and still is:
 * the first one has fromType OK, one more follows every run while the series stays WARN or ERROR (WARN→WARN
 * repeats), and the recovery has toType OK. A change of state is what Seyren notifies. Alerts are read newest
 * first (that is how Seyren pages them), so the builder works backwards, keeping only the open episodes and the
 * finished ones in memory, never the alerts.
 */

/** AlertType's order (AlertType.isWorseThan): a check takes the worst state of its series. */
export const STATE_SEVERITY: Readonly<Record<CheckState, number>> = {
  UNKNOWN: 0,
  OK: 1,
  WARN: 2,
  ERROR: 3,
  EXCEPTION: 4,
};

export function worseOf(a: CheckState, b: CheckState): CheckState {
  return STATE_SEVERITY[b] > STATE_SEVERITY[a] ? b : a;
}

export type UnhealthyState = Exclude<CheckState, 'OK'>;

export interface RecordedEpisode {
  checkId: string;
  /** The series name as Seyren recorded it (the rendered series' Graphite name). */
  series: string;
  /** Epoch ms of the alert that opened it, or (startKnown false) of the oldest of its alerts that was read. */
  start: number;
  /** false: the episode began before the alerts read (older ones were not read, or were pruned). */
  startKnown: boolean;
  /** Epoch ms of the recovery alert (toType OK); undefined while the series is still not OK. */
  end?: number;
  worst: UnhealthyState;
  /** The most extreme unhealthy value (the highest when high is bad) and when it was recorded. */
  peak?: number;
  peakAt?: number;
  /** The newest unhealthy value and its time. */
  lastValue?: number;
  lastAt?: number;
  /** The thresholds in the newest alert of the episode (alerts carry the check's thresholds of their run). */
  warn: number | null;
  error: number | null;
  /** Alert records of the episode: one per Seyren run while unhealthy, plus the recovery. */
  alerts: number;
  /** Changes into an unhealthy state (what Seyren notified), the opening one included. */
  notifications: number;
}

const keyOf = (a: SeyrenAlert) => `${a.checkId}\u0000${a.target ?? ''}`;

function highIsBad(warn: number | null, error: number | null): boolean {
  return warn === null || error === null || warn <= error;
}

export class EpisodeBuilder {
  private readonly open = new Map<string, RecordedEpisode>();
  /** Per series: the time of the oldest alert seen so far (the newer neighbour of the next one). */
  private readonly oldestSeen = new Map<string, number>();
  private readonly finished: RecordedEpisode[] = [];

  /** Feeds the next alert; alerts must come newest first. */
  add(alert: SeyrenAlert): void {
    const key = keyOf(alert);
    let episode = this.open.get(key);
    if (alert.toType === 'OK') {
      // A recovery older than an open episode means that episode's opening alert is missing.
      if (episode) this.close(key, episode, false);
      if (alert.fromType !== 'OK') {
        episode = this.start(alert, alert.timestamp);
        episode.worst = alert.fromType as UnhealthyState;
        episode.alerts = 1;
      }
    } else {
      // No open episode here: either this is the series' newest alert (still unhealthy), or its recovery
      // alert is missing and the next newer alert (another episode's opening) ended it.
      episode ??= this.start(alert, this.oldestSeen.get(key));
      this.count(episode, alert);
      if (alert.fromType === 'OK') this.close(key, episode, true);
    }
    this.oldestSeen.set(key, alert.timestamp);
  }

  /** Every episode, finished and (startKnown false) still open at the oldest alert read. */
  finish(): RecordedEpisode[] {
    for (const [key, episode] of this.open) this.close(key, episode, false);
    return this.finished;
  }

  private start(alert: SeyrenAlert, end: number | undefined): RecordedEpisode {
    const episode: RecordedEpisode = {
      checkId: alert.checkId,
      series: alert.target ?? '',
      start: alert.timestamp,
      startKnown: false,
      end,
      worst: 'UNKNOWN',
      warn: alert.warn,
      error: alert.error,
      alerts: 0,
      notifications: 0,
    };
    this.open.set(keyOf(alert), episode);
    return episode;
  }

  private count(episode: RecordedEpisode, alert: SeyrenAlert): void {
    episode.start = alert.timestamp;
    episode.alerts++;
    episode.worst = worseOf(episode.worst, alert.toType) as UnhealthyState;
    if (alert.fromType !== alert.toType) episode.notifications++;
    const value = alert.value;
    if (value === null) return;
    if (episode.lastAt === undefined) {
      episode.lastValue = value;
      episode.lastAt = alert.timestamp;
    }
    const high = highIsBad(alert.warn, alert.error);
    if (episode.peak === undefined || (high ? value > episode.peak : value < episode.peak)) {
      episode.peak = value;
      episode.peakAt = alert.timestamp;
    }
  }

  private close(key: string, episode: RecordedEpisode, startKnown: boolean): void {
    episode.startKnown = startKnown;
    this.finished.push(episode);
    this.open.delete(key);
  }
}

/** All episodes of a list of alerts in any order (sorted newest first here). */
export function groupEpisodes(alerts: readonly SeyrenAlert[]): RecordedEpisode[] {
  const builder = new EpisodeBuilder();
  const sorted = [...alerts].sort((a, b) => b.timestamp - a.timestamp);
  for (const alert of sorted) builder.add(alert);
  return builder.finish();
}

/** Newest start first, then by series. */
export function byStartDescending(a: RecordedEpisode, b: RecordedEpisode): number {
  return b.start - a.start || a.series.localeCompare(b.series);
}
