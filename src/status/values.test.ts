import { GraphiteError, type GraphiteSeries, type RenderRange } from '../clients/graphite';
import type { SeyrenCheck } from '../clients/seyren/types';
import { graphiteGraphUrl, seyrenCheckUrl } from './links';
import { currentGraphiteValues } from './values';

const check = (id: string, extra: Partial<SeyrenCheck> = {}) =>
  ({
    id,
    name: `healthlake:cv:${id}`,
    target: `t(${id})`,
    from: null,
    until: null,
    warn: '1',
    error: '2',
    ...extra,
  }) as SeyrenCheck;

describe('currentGraphiteValues', () => {
  it("renders each target over the check's range (Seyren's defaults when unset); each series' last point counts", async () => {
    const calls: Array<[string, RenderRange]> = [];
    const graphite = {
      render: async (target: string | string[], range: RenderRange): Promise<GraphiteSeries[]> => {
        calls.push([target as string, range]);
        return [
          {
            target: 'a',
            datapoints: [
              [1, 100],
              [2, 160],
              [null, 220],
            ],
          },
          { target: 'b', datapoints: [[null, 100]] },
        ];
      },
    };
    const { values, unreachable } = await currentGraphiteValues(
      [check('x'), check('y', { from: '-30d', until: 'now' })],
      graphite,
    );
    expect(unreachable).toBe(false);
    expect(values.get('x')).toEqual([{ series: 'a', value: 2, at: 160000 }]);
    expect(calls).toEqual([
      ['t(x)', { from: '-11minutes', until: '-1minutes' }],
      ['t(y)', { from: '-30d', until: 'now' }],
    ]);
  });

  it('asks no further once Graphite does not answer; a render error only loses that check', async () => {
    let calls = 0;
    const graphite = {
      render: async (target: string | string[]): Promise<GraphiteSeries[]> => {
        calls++;
        if (target === 't(bad)') throw new GraphiteError('400 bad target', 400, '/render');
        if (target === 't(down)') throw new GraphiteError('Cannot reach graphite-web', undefined, '/render');
        return [{ target: 'a', datapoints: [[1, 1]] }];
      },
    };
    const first = await currentGraphiteValues([check('bad'), check('ok')], graphite, { concurrency: 1 });
    expect([first.unreachable, [...first.values.keys()]]).toEqual([false, ['ok']]);
    calls = 0;
    const down = await currentGraphiteValues([check('down'), check('ok'), check('ok2')], graphite, {
      concurrency: 1,
    });
    expect([down.unreachable, down.values.size, calls]).toEqual([true, 0, 1]);
  });
});

describe('links', () => {
  it("points at the check's page in Seyren's UI and at a readable graphite-web render with the thresholds", () => {
    expect(seyrenCheckUrl('http://h:8080/seyren/', 'abc')).toBe('http://h:8080/seyren/#/checks/abc');
    const url = graphiteGraphUrl(
      'http://g',
      check('x', { target: 'divideSeries(a,b)', warn: '0.6', error: '0.9' }),
    );
    expect(url).toContain(
      "target=alias(divideSeries(a,b),'healthlake:cv:x')&target=alias(color(constantLine(0.6),",
    );
    const parsed = new URL(url as string);
    expect(parsed.searchParams.getAll('target')[1]).toBe(
      "alias(color(constantLine(0.6),'orange'),'warn 0.6')",
    );
    expect(parsed.searchParams.get('from')).toBe('-11minutes');
    expect(graphiteGraphUrl('http://g', check('n', { warn: null }))).toContain('target=t(n)&from=');
    expect(graphiteGraphUrl('http://g', check('n', { target: null }))).toBeNull();
  });
});
