import { GraphiteError } from '../../src/clients/graphite';
import { loadTemplates } from '../../src/templates/registry';
import { renderTarget } from '../../src/templates/template';
import { renderDays, values, writeDailySeries } from '../support/graphite-fixtures';

// Each template is rendered with the parameters users get by default for daily health metrics, evaluated by
// the real graphite-web 1.1.8, and compared with values computed by hand here.
const templates = loadTemplates();
const target = (name: string, metric: string, vars: Record<string, string | number> = {}) =>
  renderTarget(templates.get(name)!, { metric, ...vars }, 'daily');

/**
 * graphite-web's stdev: population deviation of the last `points` values, including the current one, and
 * only once at least 10 % of the window (windowTolerance) holds values.
 */
function stdevAt(xs: number[], i: number, points: number): number | null {
  const w = xs.slice(Math.max(0, i - points + 1), i + 1);
  const n = w.length;
  if (n / points < 0.1) return null;
  const sum = w.reduce((a, b) => a + b, 0);
  const sumSq = w.reduce((a, b) => a + b * b, 0);
  return Math.sqrt(n * sumSq - sum * sum) / n;
}

/** graphite-web's movingAverage: mean of the `points` values before i (i excluded), bootstrapped. */
function movingAverageAt(xs: number[], i: number, points: number): number {
  const w = xs.slice(i - points, i);
  return w.reduce((a, b) => a + b, 0) / w.length;
}

describe('cv template (coefficient of variation) on graphite-web', () => {
  it('is exactly 0 for a constant series, at every day of the range', async () => {
    await writeDailySeries('health.it.cv.constant', Array(45).fill(50));
    const cv = values(await renderDays(target('cv', 'health.it.cv.constant', { window: 14 }), 30));
    expect(cv).toHaveLength(30);
    // The first day has 1 of 14 window points in range: below stdev's 10 % tolerance, so null.
    expect(cv).toEqual([null, ...Array(29).fill(0)]);
  });

  it('equals stdev of the window over the mean of the window before, on a weekly pattern', async () => {
    const xs = Array.from({ length: 45 }, (_, k) => 1000 + 250 * (k % 7) + (k % 3) * 40);
    await writeDailySeries('health.it.cv.weekly', xs);
    const cv = values(await renderDays(target('cv', 'health.it.cv.weekly', { window: 14 }), 30));
    // The range holds the last 30 of the 45 days; stdev sees only those (no bootstrap), movingAverage
    // also the 14 before them.
    const offset = 15;
    for (let j = 0; j < 30; j++) {
      const i = offset + j;
      const inRange = xs.slice(offset);
      const sd = stdevAt(inRange, j, 14);
      if (sd === null) expect(cv[j]).toBeNull();
      else expect(cv[j]).toBeCloseTo(sd / movingAverageAt(xs, i, 14), 9);
    }
  });
});

describe('timeshift template (relative change against a week ago) on graphite-web', () => {
  it('gives 1 for a series that doubled since a week ago, 0 where it did not change', async () => {
    await writeDailySeries('health.it.ts.doubled', [...Array(14).fill(100), ...Array(7).fill(200)]);
    const ratio = values(await renderDays(target('timeshift', 'health.it.ts.doubled'), 14));
    expect(ratio).toEqual([...Array(7).fill(0), ...Array(7).fill(1)]);
  });

  it('gives 0.5 for a series that halved', async () => {
    await writeDailySeries('health.it.ts.halved', [...Array(7).fill(300), ...Array(7).fill(150)]);
    const ratio = values(await renderDays(target('timeshift', 'health.it.ts.halved'), 7));
    expect(ratio).toEqual(Array(7).fill(0.5));
  });

  it('gives null, not 1, where the week-ago point is missing; the seed form gives a false 1.0', async () => {
    const xs: Array<number | null> = Array(21).fill(80);
    xs[5] = null; // so day 12 has no week-ago value
    await writeDailySeries('health.it.ts.gap', xs);
    const ours = values(await renderDays(target('timeshift', 'health.it.ts.gap'), 21));
    const seed = values(
      await renderDays(
        "absolute(divideSeries(diffSeries(timeShift(health.it.ts.gap,'7d'),health.it.ts.gap),health.it.ts.gap))",
        21,
      ),
    );
    expect(ours[12]).toBeNull();
    expect(seed[12]).toBe(1);
    // and everywhere else, where both the value and its week-ago value exist, both say "no change"
    for (let d = 7; d < 21; d++) if (d !== 12 && d !== 5) expect([ours[d], seed[d]]).toEqual([0, 0]);
  });
});

describe('holtwinters template (aberration relative to the value) on graphite-web', () => {
  // 5 weeks of daily data with a weekly pattern: weekdays ~9000 steps, weekends ~4000.
  const weekly = Array.from({ length: 35 }, (_, k) =>
    k % 7 < 5 ? 9000 + (k % 5) * 150 : 4000 + (k % 2) * 300,
  );

  beforeAll(() => writeDailySeries('health.it.hw.weekly', weekly));

  it('answers 200 with finite values for every day that has data', async () => {
    const hw = values(await renderDays(target('holtwinters', 'health.it.hw.weekly'), 30));
    expect(hw).toHaveLength(30);
    for (const v of hw) {
      expect(v).not.toBeNull();
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
    }
  });

  it('flags an outlier day: the aberration there is far above the quiet days', async () => {
    const spiky = [...weekly];
    spiky[33] = 30000;
    await writeDailySeries('health.it.hw.spike', spiky);
    const hw = values(await renderDays(target('holtwinters', 'health.it.hw.spike'), 7)) as number[];
    expect(hw[5]).toBeGreaterThan(0.3);
    expect(Math.max(...hw.slice(0, 5))).toBeLessThan(hw[5]! / 3);
  });

  it('the seed form (default seasonality 1d on daily data) answers HTTP 500', async () => {
    const err = await renderDays(
      'absolute(divideSeries(holtWintersAberration(health.it.hw.weekly),health.it.hw.weekly))',
      30,
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GraphiteError);
    expect((err as GraphiteError).status).toBe(500);
    expect((err as GraphiteError).message).toMatch(/IndexError/);
  });
});
