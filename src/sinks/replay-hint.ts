import { dateOfTimestamp, type MetricPoint } from './sink';

/** The days a failed delivery must send again; `healthlake replay` takes exactly this range. */
export interface ReplayRange {
  from: string;
  to: string;
}

/**
 * The sentence every failed delivery ends with. The archive is written before anything is sent, so the data
 * is never lost; the user needs the exact command that sends it once the cause is fixed.
 */
export function replayHint(range: ReplayRange, once: string): string {
  return (
    `Nothing is lost: the data is safe in the archive. Once ${once}, run ` +
    `\`healthlake replay --from ${range.from} --to ${range.to}\` to send it.`
  );
}

/** The first and last day of some points. */
export function datesOf(points: readonly MetricPoint[]): ReplayRange {
  let min = Infinity;
  let max = -Infinity;
  for (const p of points) {
    min = Math.min(min, p.timestamp);
    max = Math.max(max, p.timestamp);
  }
  return { from: dateOfTimestamp(min), to: dateOfTimestamp(max) };
}
