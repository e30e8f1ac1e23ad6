import { parseTimePoint } from '../time';
import { resolveRange } from './range';
import { dashboardState, stateTargets, timeConfig, urlEncode } from './state';

const NOW = Date.UTC(2026, 10, 29, 3, 0, 0) / 1000;

describe('dashboard state', () => {
  it("encodes parameters as the UI's Ext.urlEncode does: repeated keys, encodeURIComponent", () => {
    expect(urlEncode({ target: ["alias(a,'x y')", 'b'], width: 800 })).toBe(
      "target=alias(a%2C'x%20y')&target=b&width=800",
    );
  });

  it('describes an absolute range for the date dialog and a relative one with fixed dates', () => {
    const range = resolveRange(
      'fine',
      { from: parseTimePoint('1794700800'), until: parseTimePoint('1794745800') },
      NOW,
    );
    expect(timeConfig(range)).toMatchObject({ type: 'absolute', startTime: '12:00 AM', endTime: '12:30 PM' });
    const relative = timeConfig(resolveRange('fine', { until: parseTimePoint('-90min') }, NOW));
    expect(relative).toMatchObject({
      type: 'relative',
      relativeStartQuantity: '450',
      relativeStartUnits: 'minutes',
      relativeUntilQuantity: '90',
      relativeUntilUnits: 'minutes',
      startDate: '1970-01-01T00:00:00Z',
    });
  });

  it('reads the targets back from a loaded state, and nothing from anything else', () => {
    const state = dashboardState(
      'd',
      [{ targets: ['a', 'b'], params: { title: 't' } }],
      resolveRange('daily', {}, NOW),
      { width: 400, height: 250 },
    );
    expect(stateTargets(state)).toEqual([['a', 'b']]);
    expect(stateTargets({ graphs: [['target=a', { target: 'a' }, '/render']] })).toEqual([['a']]);
    expect(stateTargets(null)).toEqual([]);
    expect(stateTargets({ error: 'x' })).toEqual([]);
  });
});
