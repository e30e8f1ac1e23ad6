/**
 * promtool's compact notation for input series, for check tests (`checks/tests/*.yaml`), space-separated:
 * - `7` one value, `-1.5` or `1e3` likewise;
 * - `a+bxn` n+1 values starting at a and growing by b (`1+2x3` = 1 3 5 7); `a-bxn` shrinking;
 * - `axn` a repeated n+1 times (`5x2` = 5 5 5);
 * - `_` one missing point (null), `_xn` n missing points (as in promtool);
 * - `(…)*n` the block in parentheses n times (once without `*n`; healthlake's addition, for weekly patterns:
 *   `(9000 9200 8800 9100 9400 4000 4300)*12`).
 * A YAML list of numbers and nulls may be given instead of a string.
 */
const NUMBER = String.raw`[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?`;
const EXPANDING = new RegExp(`^(${NUMBER})(?:([-+])(${NUMBER}))?x(\\d+)$`);
const SINGLE = new RegExp(`^${NUMBER}$`);

export function expandSeriesNotation(notation: string | ReadonlyArray<number | null>): Array<number | null> {
  if (typeof notation !== 'string') return notation.slice();
  const blocks = notation.replace(
    /\(([^()]*)\)(?:\s*\*\s*(\d+))?/g,
    (_, block: string, times?: string) =>
      ` ${Array.from({ length: times === undefined ? 1 : Number(times) }, () => block).join(' ')} `,
  );
  if (/[()]/.test(blocks))
    throw new Error(`unbalanced or nested parentheses in "${notation}" (write "(a b c)*n")`);
  const out: Array<number | null> = [];
  for (const token of blocks.trim().split(/\s+/).filter(Boolean)) {
    if (token === '_') {
      out.push(null);
      continue;
    }
    const gap = /^_x(\d+)$/.exec(token);
    if (gap) {
      for (let i = 0; i < Number(gap[1]); i++) out.push(null);
      continue;
    }
    if (SINGLE.test(token)) {
      out.push(Number(token));
      continue;
    }
    const m = EXPANDING.exec(token);
    if (!m) {
      throw new Error(
        `"${token}" is not series notation (use numbers, a+bxn, a-bxn, axn, _ or _xn; e.g. "1+0x10 _ 5")`,
      );
    }
    const start = Number(m[1]);
    const delta = m[3] === undefined ? 0 : Number(m[3]) * (m[2] === '-' ? -1 : 1);
    const n = Number(m[4]);
    for (let i = 0; i <= n; i++) out.push(start + i * delta);
  }
  return out;
}
