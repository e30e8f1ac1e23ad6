import { distribution, roundBetween, suggestThresholds } from './suggest';
import { replay, type JudgedHistory } from './timeline';

/** 13 weeks of daily values around 0.1, with 3 injected anomalies. */
function history(): { h: JudgedHistory; anomalies: number[] } {
  let x = 12345;
  const r = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const values = Array.from({ length: 91 }, () => 0.05 + 0.15 * r());
  const anomalies = [20, 50, 80];
  values[20] = 0.9;
  values[50] = 1.4;
  values[80] = 0.75;
  return { h: { times: values.map((_, i) => i * 86400), series: [{ name: 's', values }] }, anomalies };
}

describe('suggestThresholds', () => {
  it('catches the injected anomalies and stays within the budget', () => {
    const { h, anomalies } = history();
    const s = suggestThresholds(h, { maxAlertsPerWeek: 0.5, weeks: 13 })!;
    expect(s.perWeek).toBeLessThanOrEqual(0.5);
    const t = replay(h, { warn: s.warn, error: s.error });
    for (const a of anomalies) expect(t.states[a]).not.toBe('OK');
    expect(t.notifications).toBe(s.notifications);
    expect(s.warn).toBeLessThanOrEqual(s.error);
  });

  it('a generous budget lowers warn, a strict one raises it', () => {
    const { h } = history();
    const strict = suggestThresholds(h, { maxAlertsPerWeek: 0.1, weeks: 13 })!;
    const loose = suggestThresholds(h, { maxAlertsPerWeek: 2, weeks: 13 })!;
    expect(loose.warn).toBeLessThan(strict.warn);
    expect(strict.notifications).toBeLessThanOrEqual(1.3);
  });

  it('low is bad: mirrored thresholds, warn above error', () => {
    const h: JudgedHistory = {
      times: [0, 1, 2, 3, 4, 5, 6, 7],
      series: [{ name: 's', values: [50, 52, 49, 51, 5, 50, 48, 53] }],
    };
    const s = suggestThresholds(h, { maxAlertsPerWeek: 1, weeks: 1, direction: 'low-is-bad' })!;
    expect(s.warn).toBeGreaterThan(s.error);
    expect(replay(h, { warn: s.warn, error: s.error }).states[4]).not.toBe('OK');
    expect(s.notifications).toBeLessThanOrEqual(1);
  });

  it('nothing to suggest without values', () => {
    expect(
      suggestThresholds(
        { times: [0], series: [{ name: 's', values: [undefined] }] },
        { maxAlertsPerWeek: 1, weeks: 1 },
      ),
    ).toBeUndefined();
  });
});

describe('roundBetween and distribution', () => {
  it('finds the shortest number in (lower, upper]', () => {
    expect(roundBetween(0.4123, 0.4519, () => true)).toBe(0.42);
    expect(roundBetween(0.2, 0.9, () => true)).toBe(0.3);
    expect(roundBetween(1234, 1250, () => true)).toBe(1240);
    expect(roundBetween(undefined, 0.4519, () => true)).toBe(0.4);
  });
  it('quantiles', () => {
    expect(
      distribution({ times: [0, 1, 2, 3], series: [{ name: 's', values: [4, 1, undefined, 2] }] }),
    ).toMatchObject({
      count: 3,
      min: 1,
      max: 4,
      p50: 2,
    });
  });
});
