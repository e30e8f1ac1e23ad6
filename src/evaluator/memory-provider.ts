import { pyMod, type DataProvider, type Series } from './series';

/** Raw points of one metric: `values[i]` is at `start + i * step` (start aligned to the step). */
export interface StoredSeries {
  name: string;
  start: number;
  step: number;
  values: ReadonlyArray<number | null>;
}

export interface MemoryProviderOptions {
  /**
   * whisper's clock: a fetch entirely after `now` returns nothing and `until` is clamped to it. Default: no
   * clamping (fixtures in the future are returned). A function is asked at every fetch (a live clock).
   */
  now?: number | (() => number);
}

/**
 * An in-memory data provider that answers like graphite-web reading whisper files (whisper.py
 * __archive_fetch): buckets (from, until] aligned to the step, i.e. from `from - from % step + step` up to and
 * excluding `until - until % step + step`, with one extra bucket when that range is empty; points not stored
 * are null. Paths may use Graphite globs (`*`, `?`, `[a-z]`, `{a,b}`), matched one node at a time.
 */
export class MemoryProvider implements DataProvider {
  private readonly metrics = new Map<string, StoredSeries>();

  constructor(
    series: Iterable<StoredSeries> = [],
    private readonly options: MemoryProviderOptions = {},
  ) {
    for (const s of series) this.add(s);
  }

  add(series: StoredSeries): void {
    if (!(series.step > 0)) throw new Error(`metric ${series.name}: step must be positive`);
    if (pyMod(series.start, series.step) !== 0) {
      throw new Error(
        `metric ${series.name}: start ${series.start} is not aligned to its step ${series.step}`,
      );
    }
    this.metrics.set(series.name, series);
  }

  names(): string[] {
    return [...this.metrics.keys()].sort();
  }

  /** The steps of the stored metrics, by name order. */
  steps(): number[] {
    return this.names().map((n) => (this.metrics.get(n) as StoredSeries).step);
  }

  fetch(pathExpression: string, from: number, until: number): Series[] {
    const matcher = globMatcher(pathExpression);
    const out: Series[] = [];
    for (const name of this.names()) {
      if (!matcher(name)) continue;
      const fetched = this.fetchOne(this.metrics.get(name) as StoredSeries, from, until);
      if (fetched) out.push({ ...fetched, pathExpression });
    }
    return out;
  }

  private fetchOne(stored: StoredSeries, fromTime: number, untilTime: number): Series | undefined {
    let until = Math.max(fromTime, untilTime);
    const from = Math.min(fromTime, untilTime);
    const now = typeof this.options.now === 'function' ? this.options.now() : this.options.now;
    if (now !== undefined) {
      if (from > now) return undefined;
      until = Math.min(until, Math.trunc(now));
    }
    const { step } = stored;
    const fromInterval = Math.trunc(from - pyMod(from, step)) + step;
    let untilInterval = Math.trunc(until - pyMod(until, step)) + step;
    if (fromInterval === untilInterval) untilInterval += step;
    const count = Math.max(0, (untilInterval - fromInterval) / step);
    const values = new Array<number | null>(count);
    const offset = (fromInterval - stored.start) / step;
    for (let i = 0; i < count; i++) {
      const j = offset + i;
      values[i] = j >= 0 && j < stored.values.length ? (stored.values[j] ?? null) : null;
    }
    return { name: stored.name, start: fromInterval, end: untilInterval, step, values };
  }
}

/** A matcher for a Graphite path glob: `*` and `?` stay inside one node, `[..]` is a class, `{a,b}` a choice. */
export function globMatcher(pattern: string): (name: string) => boolean {
  if (!/[*?[{]/.test(pattern)) return (name) => name === pattern;
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '*') re += '[^.]*';
    else if (ch === '?') re += '[^.]';
    else if (ch === '[') {
      const close = pattern.indexOf(']', i);
      if (close < 0) re += '\\[';
      else {
        re += `[${pattern.slice(i + 1, close).replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else if (ch === '{') {
      const close = pattern.indexOf('}', i);
      if (close < 0) re += '\\{';
      else {
        const options = pattern
          .slice(i + 1, close)
          .split(',')
          .map((o) => o.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\*/g, '[^.]*'));
        re += `(?:${options.join('|')})`;
        i = close;
      }
    } else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  const regex = new RegExp(`^${re}$`);
  return (name) => regex.test(name);
}
