/**
 * The usual data row of a Google-era heart-rate or steps file, read straight from the bytes of its line:
 *
 *   2026-06-30T10:00:00Z,70,Pixel Watch 3
 *
 * a UTC timestamp to the second (`YYYY-MM-DDTHH:MM:SSZ`) and a count written as digits, in the columns the
 * header named, within the plausible bounds. Such a row gives exactly what the row reader makes of its fields
 * (parseIsoInstant, checkValue, then the same `add`); any other row (another timestamp form, a decimal, a value
 * out of bounds, a missing column) is handed over as fields, so a rare row costs more, never gives another
 * result.
 */
import type { Bound } from '../plausibility';
import { COMMA, digitsAt, SPACE } from './ascii';
import type { RowShape } from './csv-scan';
import type { FileReadBuilder } from './file-read';

const MS_PER_HOUR = 3_600_000;
const MS_PER_MINUTE = 60_000;

export function sampleRowShape(
  timeCol: number,
  valueCol: number,
  bound: Bound,
  b: FileReadBuilder,
  add: (b: FileReadBuilder, line: number, t: number, n: number) => void,
): RowShape {
  const lastCol = Math.max(timeCol, valueCol);
  // The last date read (as YYYYMMDD) and its UTC midnight; NaN when it is not a date this shape reads.
  let dateKey = -1;
  let dayMs = Number.NaN;

  /** `YYYY-MM-DDTHH:MM:SSZ` from `at` as parseIsoInstant reads it: epoch ms; NaN when not in this form. */
  const instant = (bytes: Buffer, at: number): number => {
    if (bytes[at + 4] !== 0x2d || bytes[at + 7] !== 0x2d || bytes[at + 10] !== 0x54) return Number.NaN;
    if (bytes[at + 13] !== 0x3a || bytes[at + 16] !== 0x3a || bytes[at + 19] !== 0x5a) return Number.NaN;
    const year = digitsAt(bytes, at, 4);
    const month = digitsAt(bytes, at + 5, 2);
    const day = digitsAt(bytes, at + 8, 2);
    if (year < 0 || month < 1 || month > 12 || day < 0) return Number.NaN;
    const key = year * 10_000 + month * 100 + day;
    if (key !== dateKey) {
      dateKey = key;
      const midnight = Date.UTC(year, month - 1, day);
      // parseIsoInstant's own check: the day exists in its month.
      dayMs = new Date(midnight).getUTCDate() === day ? midnight : Number.NaN;
    }
    const hour = digitsAt(bytes, at + 11, 2);
    const minute = digitsAt(bytes, at + 14, 2);
    const second = digitsAt(bytes, at + 17, 2);
    if (hour < 0 || minute < 0 || second < 0 || hour > 23 || minute > 59 || second > 59) return Number.NaN;
    return dayMs + hour * MS_PER_HOUR + minute * MS_PER_MINUTE + second * 1000;
  };

  return (bytes, from, to, line) => {
    // The two fields' bounds, trimmed of spaces (as the fields handed over are).
    let timeFrom = -1;
    let timeTo = -1;
    let valueFrom = -1;
    let valueTo = -1;
    let col = 0;
    let start = from;
    for (let i = from; i <= to; i++) {
      if (i < to && bytes[i] !== COMMA) continue;
      let a = start;
      let z = i;
      while (a < z && bytes[a] === SPACE) a++;
      while (z > a && bytes[z - 1] === SPACE) z--;
      if (col === timeCol) {
        timeFrom = a;
        timeTo = z;
      }
      if (col === valueCol) {
        valueFrom = a;
        valueTo = z;
      }
      if (col === lastCol) break;
      col++;
      start = i + 1;
    }
    if (timeTo - timeFrom !== 20 || valueTo <= valueFrom || valueTo - valueFrom > 15) return false;
    const t = instant(bytes, timeFrom);
    const n = digitsAt(bytes, valueFrom, valueTo - valueFrom);
    if (Number.isNaN(t) || n < bound.min || n > bound.max) return false;
    b.countRecord();
    add(b, line, t, n);
    return true;
  };
}
