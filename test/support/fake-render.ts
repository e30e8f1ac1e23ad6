import type { GraphiteSeries, RenderRange } from '../../src/clients/graphite';

/**
 * graphite-web's render of whisper files, reduced to what read-back verification relies on (each rule checked
 * against the real graphite-web 1.1.8): one archive per answer, chosen as the finest whose retention reaches
 * `from`; slots aligned to the step in epoch time, (from, until] with until clamped to now; the series starts at
 * the file's oldest kept slot when `from` is older; a metric without a file is absent.
 */
export interface FakeArchive {
  step: number;
  /** Seconds back from now that the archive keeps. */
  retention: number;
  /** Slot start → value. */
  values: Map<number, number>;
}

export interface FakeRender {
  render(targets: string[], range: RenderRange): Promise<GraphiteSeries[]>;
  /** The targets of every call, in order. */
  calls: string[][];
}

export function fakeRender(
  files: () => Record<string, FakeArchive[]>,
  nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
): FakeRender {
  const calls: string[][] = [];
  return {
    calls,
    async render(targets, range) {
      calls.push(targets);
      const now = nowSeconds();
      const from = Number(range.from);
      const until = Math.min(Number(range.until ?? now), now);
      const all = files();
      return targets.flatMap((target) => {
        const archives = all[target];
        if (!archives) return [];
        const archive =
          archives.find((a) => now - from <= a.retention) ?? (archives[archives.length - 1] as FakeArchive);
        const oldest = now - archive.retention;
        const start = Math.max(from, oldest);
        const first = start - (start % archive.step) + archive.step;
        const end = until - (until % archive.step) + archive.step;
        const datapoints: Array<[number | null, number]> = [];
        for (let t = first; t < end; t += archive.step) datapoints.push([archive.values.get(t) ?? null, t]);
        return [{ target, datapoints }];
      });
    },
  };
}
