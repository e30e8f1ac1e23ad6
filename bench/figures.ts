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
