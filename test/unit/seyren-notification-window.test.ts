/**
 * The notification window of a subscription, as Seyren 1.5.0 applies it (Subscription.shouldNotify, reproduced
 * by the Seyren double): a change is notified only when the server's clock minute is STRICTLY after fromTime and
 * STRICTLY before toTime. healthlake's defaults ("0000"–"2359") are therefore not "the whole day": they notify
 * from 00:01 to 23:58, and no window Seyren accepts can notify at 00:00 or 23:59.
 */
import { SeyrenClient } from '../../src/clients/seyren/client';
import { subscriptionSchema } from '../../src/checks/definition-schema';
import { toSeyrenSubscription } from '../../src/checks/plan';
import { startSeyrenDouble, type SeyrenDouble } from '../support/seyren-double';
import type { SeyrenLocalTime } from '../support/seyren-double-store';

const MINUTES = Array.from({ length: 1440 }, (_, m) => ({ hour: Math.floor(m / 60), minute: m % 60 }));
const hhmm = ({ hour, minute }: { hour: number; minute: number }) =>
  `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
const MONDAY = 1 as const;

let seyren: SeyrenDouble;
let client: SeyrenClient;
beforeEach(async () => {
  seyren = await startSeyrenDouble();
  client = new SeyrenClient({ baseUrl: seyren.url, retryBaseDelayMs: 1 });
});
afterEach(() => seyren.close());

/** A check with one subscription from a YAML entry, created through the client; its ids. */
async function subscribed(entry: Record<string, unknown>, name = 'c') {
  const subscription = toSeyrenSubscription(subscriptionSchema.parse(entry));
  const checkId = await client.createCheck(
    {
      name,
      target: 'x',
      warn: 1,
      error: 2,
      enabled: true,
      live: false,
      allowNoData: false,
      subscriptions: [subscription],
    },
    () => false,
  );
  const subId = seyren.checks.get(checkId)?.subscriptions[0]?.id as string;
  return { checkId, subId };
}

const notifiedMinutes = (checkId: string, subId: string, day: SeyrenLocalTime['dayOfWeek'] = MONDAY) =>
  MINUTES.filter((t) => seyren.wouldNotify(checkId, subId, { dayOfWeek: day, ...t }, 'ERROR')).map(hhmm);

describe('the notification window of healthlake subscriptions in Seyren 1.5.0', () => {
  it('the defaults ("0000"–"2359", every day) notify 00:01–23:58: every minute but 00:00 and 23:59', async () => {
    const { checkId, subId } = await subscribed({ type: 'EMAIL', target: 'me@example.com' });
    expect(seyren.checks.get(checkId)?.subscriptions[0]).toMatchObject({ fromTime: '0000', toTime: '2359' });
    for (const day of [1, 2, 3, 4, 5, 6, 7] as const) {
      const notified = notifiedMinutes(checkId, subId, day);
      expect(notified).toHaveLength(1438);
      expect(notified[0]).toBe('00:01');
      expect(notified[notified.length - 1]).toBe('23:58');
      expect(MINUTES.map(hhmm).filter((t) => !notified.includes(t))).toEqual(['00:00', '23:59']);
    }
  });

  it('no window Seyren accepts notifies at 00:00 or at 23:59, so the defaults are the widest there is', () => {
    const at = (hour: number, minute: number) => ({ dayOfWeek: MONDAY, hour, minute });
    for (const t of MINUTES) {
      const time = hhmm(t).replace(':', '');
      // Every fromTime with the widest toTime, and every toTime with the widest fromTime, stored as Seyren
      // binds them ("HHmm" into hour and minute).
      for (const [i, window] of [
        { fromTime: time, toTime: '2359' },
        { fromTime: '0000', toTime: time },
      ].entries()) {
        const subscription = {
          id: 's',
          type: 'EMAIL' as const,
          target: 'x',
          enabled: true,
          mo: true,
          ...window,
        };
        const check = seyren.addCheckDirectly({ name: `w${i}-${time}`, subscriptions: [subscription] });
        expect(seyren.wouldNotify(check.id, 's', at(0, 0), 'ERROR')).toBe(false);
        expect(seyren.wouldNotify(check.id, 's', at(23, 59), 'ERROR')).toBe(false);
      }
    }
    expect(seyren.checks.size).toBe(2880);
  });

  it('a working-hours window "0800"–"1900" notifies 08:01–18:59', async () => {
    const { checkId, subId } = await subscribed({
      type: 'EMAIL',
      target: 'oncall@example.com',
      days: ['mo', 'tu', 'we', 'th', 'fr'],
      fromTime: '0800',
      toTime: '1900',
    });
    const notified = notifiedMinutes(checkId, subId);
    expect([notified[0], notified[notified.length - 1], notified.length]).toEqual(['08:01', '18:59', 659]);
    expect(notifiedMinutes(checkId, subId, 7)).toEqual([]); // Sunday is not among the days
  });
});

describe('the double reproduces Subscription.shouldNotify (Seyren 1.5.0 SubscriptionTest)', () => {
  const at = (hour: number, minute: number): SeyrenLocalTime => ({ dayOfWeek: 7, hour, minute });
  const sundayTenToEleven = (extra: Record<string, unknown> = {}, name = 'c') =>
    subscribed(
      {
        type: 'EMAIL',
        target: 'x@example.com',
        days: ['su'],
        fromTime: '1000',
        toTime: '1100',
        ...extra,
      },
      name,
    );

  it('inside the window on the right day: yes; after, before, on the boundaries, another day: no', async () => {
    const { checkId, subId } = await sundayTenToEleven();
    const notify = (t: SeyrenLocalTime) => seyren.wouldNotify(checkId, subId, t, 'ERROR');
    expect(notify(at(10, 30))).toBe(true);
    expect([notify(at(12, 0)), notify(at(9, 0)), notify(at(10, 0)), notify(at(11, 0))]).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(notify({ dayOfWeek: 1, hour: 10, minute: 15 })).toBe(false);
  });

  it('honours enabled and the ignore flags of the check state', async () => {
    const disabled = await sundayTenToEleven({ enabled: false }, 'disabled');
    expect(seyren.wouldNotify(disabled.checkId, disabled.subId, at(10, 15), 'ERROR')).toBe(false);
    const quiet = await sundayTenToEleven({ ignoreWarn: true, ignoreOk: true }, 'quiet');
    const states = (['ERROR', 'WARN', 'OK'] as const).map((s) =>
      seyren.wouldNotify(quiet.checkId, quiet.subId, at(10, 15), s),
    );
    expect(states).toEqual([true, false, false]);
  });

  it('a subscription without times makes the evaluation throw (Seyren then notifies nothing that run)', async () => {
    const id = seyren.addCheckDirectly({
      name: 'bare',
      warn: 1,
      error: 2,
      subscriptions: [{ id: 's1', type: 'EMAIL', target: 'x@example.com', su: true, enabled: true }],
    }).id;
    expect(() => seyren.wouldNotify(id, 's1', at(10, 15), 'ERROR')).toThrow(/NullPointerException/);
  });
});
