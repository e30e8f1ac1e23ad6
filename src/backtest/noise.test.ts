import type { Plan } from '../checks/plan';
import { formatPlanText, planToJson } from '../checks/plan-format';
import { GraphiteError, type GraphiteSeries } from '../clients/graphite';
import type { DesiredCheck } from '../checks/desired';
import type { SeyrenCheck } from '../clients/seyren/types';
import { estimateAlertRates } from './noise';

const DAY = 86400;
const NOW = 200 * DAY;

function desired(name: string, warn: number, error: number): DesiredCheck {
  return {
    name,
    description: 'd',
    target: `t(${name})`,
    from: '-30d',
    until: 'now',
    warn,
    error,
    enabled: true,
    allowNoData: false,
    subscriptions: [],
    direction: 'high-is-bad',
    source: { file: 'f', heuristic: 'cv', metric: 'm' },
  };
}

function plan(): Plan {
  const create = desired('healthlake:cv:a', 0.5, 0.8);
  const update = desired('healthlake:cv:b', 0.5, 0.8);
  return {
    actions: [
      { kind: 'create', name: create.name, desired: create, body: { name: create.name } as never },
      {
        kind: 'update',
        name: update.name,
        id: 'id-b',
        desired: update,
        actual: { id: 'id-b', name: update.name, warn: '0.2', error: '0.8' } as SeyrenCheck,
        changes: [{ field: 'warn', from: 0.2, to: 0.5 }],
        subscriptions: [],
      },
    ],
    unchanged: [],
    orphans: [],
    conflicts: [],
  };
}

/** Daily values: 0.3 every day, 0.9 every 7th day, over (from, until]. */
function fakeGraphite(calls: string[]) {
  return {
    render: async (
      target: string,
      range: { from: string | number; until?: string | number },
    ): Promise<GraphiteSeries[]> => {
      calls.push(target);
      const from = Number(range.from);
      const first = Math.floor(from / DAY) * DAY + DAY;
      const datapoints: Array<[number | null, number]> = [];
      for (let t = first; t <= Number(range.until); t += DAY)
        datapoints.push([(t / DAY) % 7 === 0 ? 0.9 : 0.3, t]);
      return [{ target, datapoints }];
    },
  };
}

describe('estimateAlertRates', () => {
  it('alerts per week for creates and threshold changes, before and after', async () => {
    const calls: string[] = [];
    const rates = await estimateAlertRates(plan(), fakeGraphite(calls), { now: NOW });
    expect(rates.get('healthlake:cv:a')).toEqual({ perWeek: 1, weeks: 4, previousPerWeek: undefined });
    // at warn 0.2 every day is WARN and the weekly 0.9 an ERROR: into ERROR and back to WARN each week, plus the first WARN
    expect(rates.get('healthlake:cv:b')).toEqual({ perWeek: 1, previousPerWeek: 2.25, weeks: 4 });
    const text = formatPlanText(plan(), { seyrenUrl: 'u', prune: false, alertRates: rates });
    expect(text).toContain('alerts/week    1.00 (over the last 4 weeks of Graphite data)');
    expect(text).toContain('alerts/week    2.25 → 1.00');
    expect(planToJson(plan(), rates).actions[0]).toMatchObject({ alertsPerWeek: { perWeek: 1 } });
  });

  it('renders at most maxEstimates targets', async () => {
    const calls: string[] = [];
    const rates = await estimateAlertRates(plan(), fakeGraphite(calls), { now: NOW, maxEstimates: 1 });
    expect([...rates.keys()]).toEqual(['healthlake:cv:a']);
    expect(calls).toHaveLength(1);
  });

  it('"no data" instead of 0.00 when the target has no value (a metric without series)', async () => {
    const empty = { render: async (): Promise<GraphiteSeries[]> => [] };
    const rates = await estimateAlertRates(plan(), empty, { now: NOW });
    expect(rates.get('healthlake:cv:a')).toEqual({ perWeek: 0, weeks: 4, noData: true });
    const text = formatPlanText(plan(), { seyrenUrl: 'u', prune: false, alertRates: rates });
    expect(text).toContain('alerts/week    no data (the target had no value in the last 4 weeks)');
    expect(text).not.toContain('0.00');
  });

  it('says nothing when Graphite does not answer, after a single attempt', async () => {
    let calls = 0;
    const dead = {
      render: async () => {
        calls++;
        throw new GraphiteError('Cannot reach graphite-web', undefined, '/render');
      },
    };
    expect((await estimateAlertRates(plan(), dead, { now: NOW })).size).toBe(0);
    expect(calls).toBe(1);
    expect(formatPlanText(plan(), { seyrenUrl: 'u', prune: false })).not.toContain('alerts/week');
  });
});
