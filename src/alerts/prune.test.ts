import type { SeyrenAlert } from '../clients/seyren/types';
import { countAlertsBefore, formatPrunePlan, prunePlanToJson } from './prune';
import type { AlertPageReader } from './pages';

const MIN = 60000;

/** A check's alerts at the given minutes, served newest first one page at a time; counts the requests. */
function reader(minutes: number[]) {
  const alerts = minutes
    .map((m, i): SeyrenAlert => ({
      id: `a${i}`,
      checkId: 'c',
      target: 's',
      value: 1,
      warn: 0.5,
      error: 0.9,
      fromType: 'WARN',
      toType: 'WARN',
      timestamp: m * MIN,
    }))
    .sort((a, b) => b.timestamp - a.timestamp);
  const calls: Array<[number, number]> = [];
  const read: AlertPageReader = async (start, items) => {
    calls.push([start, items]);
    return { values: alerts.slice(start, start + items), items, start, total: alerts.length };
  };
  return { read, calls };
}

describe('countAlertsBefore', () => {
  it('finds the boundary by bisection over one-alert pages', async () => {
    const minutes = Array.from({ length: 10000 }, (_, i) => i);
    const { read, calls } = reader(minutes);
    expect(await countAlertsBefore(read, 2500 * MIN)).toEqual({ total: 10000, before: 2500, oldest: 0 });
    expect(calls.every(([, items]) => items === 1)).toBe(true);
    expect(calls.length).toBeLessThanOrEqual(2 + Math.ceil(Math.log2(10000)));
  });

  it('counts alerts at exactly the time as not before it (Seyren deletes timestamp < before)', async () => {
    const { read } = reader([1, 2, 2, 2, 3]);
    expect((await countAlertsBefore(read, 2 * MIN)).before).toBe(1);
    expect((await countAlertsBefore(read, 3 * MIN)).before).toBe(4);
  });

  it('handles none, all, and a check without alerts in two requests at most', async () => {
    const some = reader([5, 6, 7]);
    expect(await countAlertsBefore(some.read, 5 * MIN)).toEqual({ total: 3, before: 0, oldest: 5 * MIN });
    expect(await countAlertsBefore(some.read, 8 * MIN)).toEqual({ total: 3, before: 3, oldest: 5 * MIN });
    const none = reader([]);
    expect(await countAlertsBefore(none.read, 8 * MIN)).toEqual({ total: 0, before: 0, oldest: null });
    expect(none.calls).toHaveLength(1);
  });
});

describe('the prune plan', () => {
  const plan = {
    beforeMs: Date.UTC(2026, 9, 1),
    actions: [
      { name: 'healthlake:cv:a', id: 'id-a', total: 141, before: 41, oldest: Date.UTC(2026, 7, 19, 6, 15) },
    ],
    unchanged: ['healthlake:cv:b'],
  };

  it('reads like provision-checks’ plan', () => {
    expect(formatPrunePlan(plan, 'http://seyren')).toBe(
      [
        'healthlake will delete these alerts in Seyren (http://seyren), all recorded before 2026-10-01 00:00 UTC:',
        '',
        '  - healthlake:cv:a  (id id-a)',
        '      alerts         41 of 141, the oldest from 2026-08-19 06:15 UTC',
        '',
        'Plan: delete 41 alert(s) of 1 check(s); 1 managed check(s) have none that old. Checks healthlake did not create are never touched.',
      ].join('\n'),
    );
    expect(formatPrunePlan({ ...plan, actions: [] }, 'http://seyren')).toMatch(/^No changes\. /);
  });

  it('as JSON', () => {
    expect(prunePlanToJson(plan)).toEqual({
      before: '2026-10-01T00:00:00.000Z',
      summary: { checks: 1, alerts: 41, unchanged: 1 },
      actions: [
        {
          action: 'delete-alerts',
          name: 'healthlake:cv:a',
          id: 'id-a',
          alerts: 41,
          total: 141,
          oldest: '2026-08-19T06:15:00.000Z',
        },
      ],
      unchanged: ['healthlake:cv:b'],
    });
  });
});
