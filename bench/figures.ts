import { readFileSync } from 'node:fs';

/** How the benchmarks compute and print their figures. */

/** Decimal megabytes throughout: 200 MB = 200,000,000 bytes. */
export const MB = 1_000_000;

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

/** A duration: `328 ms` or `4.99 s`. */
export const ms = (value: number) =>
  value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`;
export const mb = (bytes: number) => `${(bytes / MB).toFixed(bytes >= 100 * MB ? 0 : 1)} MB`;
export const int = (n: number) => n.toLocaleString('en-US');

/**
 * This process's peak resident memory, bytes. On Linux from VmHWM in /proc/self/status, which belongs to the
 * process's own address space: `process.resourceUsage().maxRSS` (getrusage's ru_maxrss) also keeps the high-water
 * mark of the address space the process had before exec, i.e. its parent's RSS at fork time, so a child forked
 * from a 300 MB parent reports at least 300 MB however little it uses. Elsewhere maxRSS is all there is.
 */
export function peakRssBytes(): number {
  try {
    const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb !== undefined) return Number(kb) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}
