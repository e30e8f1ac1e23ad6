import type { GraphiteSeries } from '../clients/graphite';
import { judgePoint, sameValue, stepOf, valueAt } from './judge';

const DAY = 86400;
const day = (n: number) => 1_790_000_000 - (1_790_000_000 % DAY) + n * DAY;
const series = (step: number, start: number, values: Array<number | null>): GraphiteSeries => ({
  target: 'health.steps',
  datapoints: values.map((v, i) => [v, start + i * step]),
});

describe('judgePoint', () => {
  it('confirms the day whose slot holds the value written', () => {
    expect(judgePoint(8421, day(1), series(DAY, day(0), [null, 8421, 9000]))).toEqual({ confirmed: true });
  });

  it('reads a daily point in a finer archive from the slot holding its midnight', () => {
    expect(judgePoint(57, day(1), series(3600, day(0), [...Array(24).fill(null), 57]))).toEqual({
      confirmed: true,
    });
    expect(valueAt(series(3600, day(0), [1, 2]), day(0) + 3599)).toBe(1);
  });

  it('keeps waiting for a metric graphite-web does not know yet, an empty slot and another value', () => {
    expect(judgePoint(1, day(1), undefined)).toEqual({
      confirmed: false,
      final: false,
      cause: { kind: 'no-metric' },
      actual: undefined,
    });
    expect(judgePoint(1, day(1), series(DAY, day(0), [null, null]))).toMatchObject({
      final: false,
      cause: { kind: 'missing' },
      actual: null,
    });
    expect(judgePoint(1, day(1), series(DAY, day(0), [null, 2]))).toMatchObject({
      final: false,
      cause: { kind: 'different' },
      actual: 2,
    });
  });

  it('gives up at once on a day before the file keeps data: whisper dropped it', () => {
    expect(judgePoint(1, day(1), series(60, day(5) + 1800, [1, 2, 3]))).toEqual({
      confirmed: false,
      final: true,
      cause: { kind: 'retention', keepsFrom: day(5) + 1800 },
      actual: undefined,
    });
  });

  it('gives up at once on a step coarser than a day, even when the slot happens to hold the value', () => {
    expect(judgePoint(5, day(2), series(7 * DAY, day(0), [5, 6]))).toEqual({
      confirmed: false,
      final: true,
      cause: { kind: 'coarse-step', step: 7 * DAY },
      actual: 5,
    });
  });
});

describe('sameValue', () => {
  it('compares as carbon formats values: exact doubles, -0 as 0, never Infinity', () => {
    expect(sameValue(71.66666666666667, 2150 / 30)).toBe(true);
    expect(sameValue(0.30000000000000004, 0.3)).toBe(false);
    expect(sameValue(-0, 0)).toBe(true);
    expect(sameValue(Infinity, 1)).toBe(false);
  });
});

describe('stepOf', () => {
  it('is the distance between the first two datapoints, unknown for one', () => {
    expect(stepOf(series(60, 0, [1, 2]))).toBe(60);
    expect(stepOf(series(60, 0, [1]))).toBeUndefined();
  });
});
