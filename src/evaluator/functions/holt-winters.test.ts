import { evaluate } from '../evaluate';
import { MemoryProvider } from '../memory-provider';
import { holtWintersAnalysis } from './holt-winters';

const DAY = 86400;

describe('holtWintersAnalysis', () => {
  it('follows graphite-web step by step on a short series (season of 2 points)', () => {
    const { predictions, deviations } = holtWintersAnalysis(
      { name: 'x', start: 0, end: 3 * DAY, step: DAY, values: [10, 12, 11] },
      '2d',
    );
    // i=0: intercept = 0.1*10 + 0.9*10 = 10, slope 0, seasonal 0.1*(10-10) = 0, next = 10 + 0 + 0
    // i=1: prediction 10; intercept = 0.1*12 + 0.9*10 = 10.2; deviation = 0.1*|12-10| = 0.2
    expect(predictions[0]).toBe(10);
    expect(predictions[1]).toBe(10);
    expect(deviations[0]).toBe(0);
    expect(deviations[1]).toBeCloseTo(0.2, 15);
    const intercept1 = 0.1 * 12 + 0.9 * 10;
    const slope1 = 0.0035 * (intercept1 - 10);
    expect(predictions[2]).toBeCloseTo(intercept1 + slope1 + 0, 15);
  });

  it('a null point breaks the chain: prediction null after it, intercept re-seeded', () => {
    const { predictions, deviations } = holtWintersAnalysis(
      { name: 'x', start: 0, end: 4 * DAY, step: DAY, values: [10, null, 20, 20] },
      '2d',
    );
    expect(predictions[1]).not.toBeNull();
    expect(predictions[2]).toBeNull();
    expect(deviations[1]).toBe(0);
    // prediction null counts as 0 in the deviation
    expect(deviations[2]).toBeCloseTo(0.1 * 20 + 0.9 * 0, 15);
  });

  it('a season of one point fails as graphite-web does (IndexError, HTTP 500)', () => {
    expect(() =>
      holtWintersAnalysis({ name: 'x', start: 0, end: 2 * DAY, step: DAY, values: [1, 2] }, '1d'),
    ).toThrow(/IndexError/);
    // all-null input never reaches the failing lookup
    expect(
      holtWintersAnalysis({ name: 'x', start: 0, end: 2 * DAY, step: DAY, values: [null, null] }, '1d')
        .deviations,
    ).toEqual([0, 0]);
  });
});

describe('holtWintersAberration / bands / forecast', () => {
  const weekly = Array.from({ length: 70 }, (_, k) => (k % 7 < 5 ? 9000 + (k % 5) * 100 : 4000));
  const spiky = [...weekly];
  spiky[68] = 30000;
  spiky[66] = null as unknown as number;
  const p = new MemoryProvider([{ name: 'm', start: 100 * DAY, step: DAY, values: spiky }]);
  const from = 163 * DAY - 1;
  const until = 170 * DAY - 1;

  it('is 0 inside the bands, positive above, and 0 where the series is null', async () => {
    const [ab] = await evaluate("holtWintersAberration(m,3,'56d','7d')", from, until, p);
    expect(ab!.name).toBe('holtWintersAberration(m)');
    expect(ab!.values).toHaveLength(7);
    expect(ab!.values[3]).toBe(0); // day 166: null
    expect(ab!.values[5]).toBeGreaterThan(10000); // day 168: the spike
  });

  it('bands are forecast ± delta × deviation, after dropping the bootstrap', async () => {
    const [lower, upper] = await evaluate("holtWintersConfidenceBands(m,2,'56d','7d')", from, until, p);
    const [forecast] = await evaluate("holtWintersForecast(m,'56d','7d')", from, until, p);
    expect(lower!.name).toBe('holtWintersConfidenceLower(m)');
    expect(upper!.start).toBe(163 * DAY);
    for (let i = 0; i < 7; i++) {
      const f = forecast!.values[i] as number | null;
      if (f === null) {
        // the day after the null day has no prediction, so no bands
        expect([upper!.values[i], lower!.values[i]]).toEqual([null, null]);
        continue;
      }
      expect(((upper!.values[i] as number) + (lower!.values[i] as number)) / 2).toBeCloseTo(f, 6);
    }
    expect(forecast!.values[4]).toBeNull();
  });

  it('the default 1d seasonality on daily data fails like graphite-web', async () => {
    await expect(evaluate('holtWintersAberration(m)', from, until, p)).rejects.toThrow(/IndexError/);
  });
});
