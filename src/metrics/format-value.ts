/**
 * How a metric value is written everywhere a human or a program may compare it with Graphite: the carbon line
 * and summary.csv. formatCarbonLine (src/clients/carbon.ts) prints `String(value)` after refusing non-finite
 * values; this is the same rule, kept here so summary.csv does not have to build a carbon line to get it.
 * format-value.test.ts pins the two to each other, so they cannot drift apart unnoticed.
 */
export function formatMetricValue(value: number): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`Invalid metric value ${String(value)}: a finite number is needed`);
  }
  // String(-0) is "0"; very large or small values use exponent notation ("1e+21"), which carbon's float() reads.
  return String(value);
}
