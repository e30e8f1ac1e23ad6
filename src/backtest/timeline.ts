import { judgeValue, worstState, type CheckState } from '../evaluator/seyren-rule';
import type { Series } from '../evaluator/series';

/**
 * What Seyren would have done over a history of a check's values: at every evaluation time t it renders the
 * target over (t + from, t + until] and judges each series by its last non-null point (evaluator/seyren-rule).
 * Given the check's values rendered once over the whole history, the value Seyren saw at t is the last
 * non-null point in that window; this module replays the states and the notifications that followed.
 */

export interface CheckRangeOffsets {
  /** Seconds relative to the evaluation time, e.g. -2592000 for `-30d`, 0 for `now`. */
  from: number;
  until: number;
}

export interface Thresholds {
  warn: number;
  error: number;
  allowNoData?: boolean;
}

/** The value each series showed Seyren at each evaluation time (undefined: no value in the range). */
export interface JudgedHistory {
  times: number[];
  series: Array<{ name: string; values: Array<number | undefined> }>;
}

/** An episode of one series away from OK: from the first non-OK evaluation to the first OK one after it. */
export interface AlertEpisode {
  series: string;
  start: number;
  /** The first evaluation time back at OK; undefined if still not OK at the end of the history. */
  end?: number;
  /** The worst state reached. */
  state: 'WARN' | 'ERROR';
  /** The most extreme value seen during the episode (highest when high is bad). */
  peak: number;
  /** Notifications sent during the episode: each change into WARN or ERROR. */
  notifications: number;
}

export interface Timeline {
  times: number[];
  /** The check's state at each time (worst series; UNKNOWN/OK when no series has a value). */
  states: CheckState[];
  episodes: AlertEpisode[];
  /** Changes of a series into WARN or ERROR: what Seyren notifies as trouble. */
  notifications: number;
}

/**
 * The judged values at each evaluation time: every time of the first series within (from, until] (the check's
 * values rendered over a longer range, so that early points have their full windows).
 */
export function judgedHistory(
  rendered: Series[],
  range: CheckRangeOffsets,
  window: { from: number; until: number },
): JudgedHistory {
  const first = rendered[0];
  if (!first) return { times: [], series: [] };
  const times: number[] = [];
  for (let i = 0; i < first.values.length; i++) {
    const t = first.start + i * first.step;
    if (t > window.from && t <= window.until) times.push(t);
  }
  const series = rendered.map((s) => {
    // lastIndex[i]: index of the last non-null point at or before i
    const lastIndex = new Int32Array(s.values.length);
    let last = -1;
    for (let i = 0; i < s.values.length; i++) {
      if (s.values[i] !== null && s.values[i] !== undefined) last = i;
      lastIndex[i] = last;
    }
    const values = times.map((t) => {
      const upto = Math.floor((t + range.until - s.start) / s.step);
      if (upto < 0) return undefined;
      const j = lastIndex[Math.min(upto, s.values.length - 1)] as number;
      if (j < 0 || s.start + j * s.step <= t + range.from) return undefined;
      return s.values[j] as number;
    });
    return { name: s.name, values };
  });
  return { times, series };
}

/** Replays Seyren's states and notifications over a judged history at the given thresholds. */
export function replay(history: JudgedHistory, thresholds: Thresholds): Timeline {
  const { warn, error } = thresholds;
  const highIsBad = warn <= error;
  const initial: CheckState = thresholds.allowNoData ? 'OK' : 'UNKNOWN';
  const states: CheckState[] = history.times.map(() => initial);
  const episodes: AlertEpisode[] = [];
  let notifications = 0;
  for (const s of history.series) {
    // A series without alert history is OK in Seyren; a series without a value keeps its state.
    let previous: 'OK' | 'WARN' | 'ERROR' = 'OK';
    let open: AlertEpisode | undefined;
    s.values.forEach((value, i) => {
      if (value === undefined) return;
      const t = history.times[i] as number;
      const state = judgeValue(value, warn, error);
      states[i] = worstState(states[i] as CheckState, state);
      if (state !== previous && state !== 'OK') {
        notifications++;
        if (!open) {
          open = { series: s.name, start: t, state, peak: value, notifications: 0 };
          episodes.push(open);
        }
        open.notifications++;
      }
      if (open) {
        if (state === 'OK') {
          open.end = t;
          open = undefined;
        } else {
          if (state === 'ERROR') open.state = 'ERROR';
          open.peak = highIsBad ? Math.max(open.peak, value) : Math.min(open.peak, value);
        }
      }
      previous = state;
    });
  }
  episodes.sort((a, b) => a.start - b.start || a.series.localeCompare(b.series));
  return { times: history.times, states, episodes, notifications };
}

export const WEEK = 7 * 86400;

/** Notifications per week over the history's span. */
export function perWeek(count: number, window: { from: number; until: number }): number {
  const weeks = (window.until - window.from) / WEEK;
  return weeks > 0 ? count / weeks : 0;
}
