import { evaluateCheckAt } from './check-eval';
import { MemoryProvider } from './memory-provider';
import { expandSeriesNotation } from './series-notation';

const DAY = 86400;
const start = 1_700_006_400; // a UTC midnight

describe('evaluateCheckAt', () => {
  const provider = new MemoryProvider([
    { name: 'h.steps', start, step: DAY, values: expandSeriesNotation('8000x13 4000 _') },
  ]);
  const check = {
    target: "absolute(offset(divideSeries(h.steps,timeShift(h.steps,'7d')),-1))",
    from: '-30d',
    until: 'now',
    warn: 0.3,
    error: 0.45,
  };

  it('renders the range ending at `at` and judges the last non-null point', async () => {
    const ok = await evaluateCheckAt(check, start + 13 * DAY, provider);
    expect(ok.state).toBe('OK');
    expect(ok.until - ok.from).toBe(30 * DAY);
    const halved = await evaluateCheckAt(check, start + 14 * DAY, provider);
    expect(halved.state).toBe('ERROR');
    expect(halved.series[0]!.value).toBe(0.5);
  });

  it('a day without data keeps the last value (Seyren scans back over nulls)', async () => {
    expect((await evaluateCheckAt(check, start + 15 * DAY, provider)).state).toBe('ERROR');
  });

  it('UNKNOWN without any value, OK with allowNoData', async () => {
    expect((await evaluateCheckAt(check, start + 3 * DAY, provider)).state).toBe('UNKNOWN');
    expect((await evaluateCheckAt({ ...check, allowNoData: true }, start + 3 * DAY, provider)).state).toBe(
      'OK',
    );
  });
});
