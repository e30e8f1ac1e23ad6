import path from 'node:path';
import { lazySpecs } from '../evaluator/check-tests';
import { loadTemplates } from '../templates/registry';
import { resolveBacktestCheck } from './resolve-check';

const templates = loadTemplates();
const sources = { templates, specs: lazySpecs(path.resolve(__dirname, '../../checks'), templates, 'health') };

describe('resolveBacktestCheck', () => {
  it('a declared check by name, with its thresholds and range', () => {
    expect(resolveBacktestCheck({ check: 'healthlake:cv:health.steps' }, sources)).toEqual({
      name: 'healthlake:cv:health.steps',
      target: 'divideSeries(stdev(health.steps,14),movingAverage(health.steps,14))',
      from: '-30d',
      until: 'now',
      warn: 0.6,
      error: 0.9,
      allowNoData: false,
    });
  });
  it('metric + heuristic finds the declaration too; explicit values win', () => {
    const c = resolveBacktestCheck({ metric: 'health.steps', heuristic: 'timeshift', warn: 0.4 }, sources);
    expect(c).toMatchObject({ warn: 0.4, error: 0.85 });
  });
  it('an undeclared metric gets the template defaults and no thresholds', () => {
    const c = resolveBacktestCheck(
      { metric: 'health.other', heuristic: 'holtwinters', params: { delta: 2 } },
      sources,
    );
    expect(c.target).toBe(
      "absolute(divideSeries(holtWintersAberration(health.other,2,'84d','7d'),health.other))",
    );
    expect(c.warn).toBeUndefined();
  });
  it('a glob declaration needs one concrete series', () => {
    expect(() =>
      resolveBacktestCheck(
        { check: 'healthlake:cv:prod.server*.application_metrics.transactions_rate' },
        sources,
      ),
    ).toThrow(/glob metric/);
    const c = resolveBacktestCheck(
      {
        check: 'healthlake:cv:prod.server*.application_metrics.transactions_rate',
        metric: 'prod.server7.application_metrics.transactions_rate',
      },
      sources,
    );
    expect(c.from).toBe('-15min');
  });
  it('explains what is missing', () => {
    expect(() => resolveBacktestCheck({}, sources)).toThrow(/name a check/);
    expect(() => resolveBacktestCheck({ check: 'healthlake:cv:nope' }, sources)).toThrow(/no declared check/);
  });
});
