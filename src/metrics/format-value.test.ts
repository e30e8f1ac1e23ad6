import { formatCarbonLine } from '../clients/carbon';
import { formatMetricValue } from './format-value';

describe('formatMetricValue', () => {
  it('prints every value exactly as the carbon line does', () => {
    const values = [0, -0, 8421, 71.25, 2150 / 30, 0.1 + 0.2, 1.5, 1e21, 5e-7, -3, Number.MAX_SAFE_INTEGER];
    for (const value of values) {
      const carbonValue = formatCarbonLine('health.x', value, 1700006400).split(' ')[1];
      expect(formatMetricValue(value)).toBe(carbonValue);
    }
    expect(formatMetricValue(2150 / 30)).toBe('71.66666666666667');
    expect(formatMetricValue(-0)).toBe('0');
  });

  it('refuses values carbon would not take', () => {
    for (const bad of [NaN, Infinity, -Infinity])
      expect(() => formatMetricValue(bad)).toThrow(/finite number/);
  });
});
