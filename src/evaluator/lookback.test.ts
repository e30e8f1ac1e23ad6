import { historyNeeded, targetPaths } from './lookback';
import { parseTarget } from './parser';

const DAY = 86400;

describe('historyNeeded and targetPaths', () => {
  it('adds windows, bootstraps and shifts along each branch', () => {
    const cv = parseTarget('divideSeries(stdev(m,14),movingAverage(m,14))');
    expect(historyNeeded(cv, DAY)).toEqual({ before: 14 * DAY, after: 0 });
    const hw = parseTarget("absolute(divideSeries(holtWintersAberration(m,3,'84d','7d'),m))");
    expect(historyNeeded(hw, DAY).before).toBe(84 * DAY);
    const nested = parseTarget("movingAverage(timeShift(m,'7d'),'2d')");
    expect(historyNeeded(nested, DAY)).toEqual({ before: 9 * DAY, after: 0 });
    expect(historyNeeded(parseTarget("timeShift(m,'+1h')"), DAY)).toEqual({ before: 0, after: 3600 });
  });
  it('lists the paths', () => {
    expect(targetPaths(parseTarget("divideSeries(a.b,timeShift(c.*,'1d'))"))).toEqual(['a.b', 'c.*']);
  });
});
