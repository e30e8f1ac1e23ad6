import type { RenderRange } from '../clients/graphite';
import { DAY_SECONDS } from './judge';
import type { Expected } from './types';

/** Every day written for these metrics, as one render range. */
export function wholeRange(expected: Expected, paths: string[]): RenderRange {
  return daysRange(paths.flatMap((path) => [...(expected.get(path)?.keys() ?? [])]));
}

/**
 * graphite-web's range is (from, until]: from one second before the first day, and one day earlier still so
 * that even a single day comes back as two slots and shows the archive's step.
 */
export function daysRange(timestamps: number[]): RenderRange {
  let min = Infinity;
  let max = -Infinity;
  for (const ts of timestamps) {
    min = Math.min(min, ts);
    max = Math.max(max, ts);
  }
  return { from: min - DAY_SECONDS - 1, until: max };
}

export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
