import { parseRelativeTime } from '../time';
import { evaluate } from './evaluate';
import type { Expr } from './parser';
import { visibleValues, type DataProvider, type Series } from './series';
import { judgeCheck, type CheckVerdict } from './seyren-rule';

/** What Seyren needs of a check to judge it: its target, its range relative to now, and its thresholds. */
export interface CheckUnderTest {
  target: string | Expr;
  /** Relative Graphite times such as `-30d` and `now`. */
  from: string;
  until: string;
  warn: number;
  error: number;
  allowNoData?: boolean;
}

export interface CheckEvaluation extends CheckVerdict {
  /** When Seyren ran the check (epoch seconds), and the absolute range it asked Graphite for. */
  at: number;
  from: number;
  until: number;
  /** The series Graphite would have returned. */
  rendered: Series[];
}

/**
 * One run of a Seyren check at time `at`: render the target over (at + from, at + until] (Seyren sends the
 * check's relative from/until, which graphite-web resolves against its clock) and judge every series by its
 * last non-null point.
 */
export async function evaluateCheckAt(
  check: CheckUnderTest,
  at: number,
  provider: DataProvider,
): Promise<CheckEvaluation> {
  const from = at + parseRelativeTime(check.from);
  const until = at + parseRelativeTime(check.until);
  const rendered = await evaluate(check.target, from, until, provider);
  const verdict = judgeCheck(
    rendered.map((s) => ({ name: s.name, values: visibleValues(s) })),
    { warn: check.warn, error: check.error, allowNoData: check.allowNoData },
  );
  return { ...verdict, at, from, until, rendered };
}
