import { createHash } from 'node:crypto';
import { startSeyrenDouble, type SeyrenDouble } from '../support/seyren-double';
import { javaBigDecimalToString, parseJodaDateTime } from '../support/seyren-double-alerts';

// Pins down the double's alerts as Seyren 1.5.0 serves them (Alert.java, MongoStore.getAlerts/deleteAlerts,
// AlertsBean, CheckRunner), with raw fetch calls, so that the alert client and commands can trust it.

let seyren: SeyrenDouble;
beforeEach(async () => {
  seyren = await startSeyrenDouble();
});
afterEach(() => seyren.close());

const api = (path: string) => `${seyren.url}/api${path}`;
const T0 = Date.UTC(2026, 10, 1, 6, 0, 0);
const MIN = 60000;

function managedCheck(name = 'healthlake:cv:health.steps', extra: Record<string, unknown> = {}) {
  return seyren.addCheckDirectly({ name, warn: '0.6', error: '0.9', enabled: true, ...extra });
}

async function getText(path: string): Promise<[number, string]> {
  const res = await fetch(api(path));
  return [res.status, await res.text()];
}

async function page(path: string) {
  const [status, text] = await getText(path);
  expect(status).toBe(200);
  return JSON.parse(text) as {
    values: Array<Record<string, unknown>>;
    items: number;
    start: number;
    total: number;
  };
}

describe('CheckRunner simulation (runCheck)', () => {
  it('records nothing while OK, one alert every run while unhealthy, and the recovery', () => {
    const { id } = managedCheck();
    const series = 'divideSeries(stdev(health.steps,14),movingAverage(health.steps,14))';
    const values = [0.1, 0.2, 0.7, 0.7, 0.95, 0.3, 0.2];
    values.forEach((v, i) => seyren.runCheck(id, { at: T0 + i * MIN, values: { [series]: v } }));
    const alerts = seyren.alerts.all(id).reverse();
    expect(alerts.map((a) => `${a.fromType}>${a.toType}`)).toEqual([
      'OK>WARN',
      'WARN>WARN',
      'WARN>ERROR',
      'ERROR>OK',
    ]);
    expect(alerts.map((a) => a.timestamp)).toEqual([2, 3, 4, 5].map((i) => T0 + i * MIN));
    expect(alerts[2]).toMatchObject({ value: 0.95, warn: 0.6, error: 0.9, target: series, checkId: id });
    expect(seyren.checks.get(id)).toMatchObject({ state: 'OK', lastCheck: T0 + 6 * MIN });
  });

  it('judges each series separately; the check takes the worst; no value is skipped', () => {
    const { id } = managedCheck('other', { allowNoData: false });
    seyren.runCheck(id, { at: T0, values: { a: 0.7, b: 0.1, c: null } });
    expect(seyren.checks.get(id)?.state).toBe('WARN');
    seyren.runCheck(id, { at: T0 + MIN, values: { a: null, b: null } });
    expect(seyren.checks.get(id)?.state).toBe('UNKNOWN');
    expect(seyren.alerts.all(id).map((a) => a.target)).toEqual(['a']);
  });

  it('leaves a disabled check alone', () => {
    const { id } = managedCheck('off', { enabled: false, state: 'OK' });
    seyren.runCheck(id, { at: T0, values: { a: 5 } });
    expect(seyren.alerts.size).toBe(0);
    expect(seyren.checks.get(id)).toMatchObject({ state: 'OK', lastCheck: null });
  });
});

describe('GET /checks/{id}/alerts and GET /alerts (section 6, MongoStore.getAlerts)', () => {
  it('a check without alerts, and an unknown check id, give an empty page with the defaults', async () => {
    const { id } = managedCheck();
    const empty = { values: [], items: 20, start: 0, total: 0 };
    expect(await page(`/checks/${id}/alerts`)).toEqual(empty);
    expect(await page('/checks/000000000000000000000000/alerts')).toEqual(empty);
  });

  it('serialises ids as strings, value and thresholds as numbers, epoch-ms timestamps, a garbage targetHash', async () => {
    const { id } = managedCheck();
    seyren.runCheck(id, { at: T0, values: { s: 0.75 } });
    seyren.alerts.create({
      checkId: id,
      target: 's',
      value: '0.00000010',
      warn: 0.6,
      error: 0.9,
      fromType: 'WARN',
      toType: 'OK',
      timestamp: T0 + MIN,
    });
    const [, text] = await getText(`/checks/${id}/alerts`);
    // Jackson: BigDecimal as a JSON number (toString, so exponent form for tiny values), nulls kept
    expect(text).toContain('"value":1.0E-7,');
    expect(text).toContain('"value":0.75,"target":"s","warn":0.6,"error":0.9,');
    const body = JSON.parse(text) as { values: Array<Record<string, unknown>> };
    const [recovery, warn] = body.values;
    expect(warn).toMatchObject({ checkId: id, fromType: 'OK', toType: 'WARN', timestamp: T0 });
    expect(typeof warn!.id).toBe('string');
    expect(warn!.id).toMatch(/^[0-9a-f]{24}$/);
    expect(recovery!.value).toBeCloseTo(1e-7, 20);
    const md5 = createHash('md5').update('s').digest();
    expect(warn!.targetHash).toBe(md5.toString('utf8'));
    expect(warn!.targetHash).not.toBe(md5.toString('hex'));
    expect(Object.keys(warn!)).toEqual([
      'id',
      'checkId',
      'value',
      'target',
      'warn',
      'error',
      'fromType',
      'toType',
      'timestamp',
      'targetHash',
    ]);
  });

  it('pages newest first; total ignores skip and limit; items=0 means no limit', async () => {
    const { id } = managedCheck();
    for (let i = 0; i < 45; i++) seyren.runCheck(id, { at: T0 + i * MIN, values: { s: 0.7 } });
    const first = await page(`/checks/${id}/alerts?start=0&items=20`);
    const third = await page(`/checks/${id}/alerts?start=40&items=20`);
    expect([first.values.length, first.total, third.values.length, third.total]).toEqual([20, 45, 5, 45]);
    expect(first.values[0]!.timestamp).toBe(T0 + 44 * MIN);
    expect(third.values[4]!.timestamp).toBe(T0);
    expect([third.items, third.start]).toEqual([20, 40]);
    const all = await page(`/checks/${id}/alerts?items=0`);
    expect([all.values.length, all.items]).toEqual([45, 0]);
    const times = all.values.map((a) => a.timestamp as number);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('GET /alerts mixes every check, newest first', async () => {
    const a = managedCheck('a').id;
    const b = managedCheck('b').id;
    seyren.runCheck(a, { at: T0, values: { s: 1 } });
    seyren.runCheck(b, { at: T0 + MIN, values: { s: 1 } });
    seyren.runCheck(a, { at: T0 + 2 * MIN, values: { s: 1 } });
    const all = await page('/alerts?items=2');
    expect(all.values.map((v) => v.checkId)).toEqual([a, b]);
    expect(all.total).toBe(3);
  });

  it('answers 400 to a negative start or items, 404 to a non-integer', async () => {
    const { id } = managedCheck();
    expect(await getText(`/checks/${id}/alerts?start=-1`)).toEqual([400, '']);
    expect(await getText('/alerts?items=-5')).toEqual([400, '']);
    expect((await getText(`/checks/${id}/alerts?start=abc`))[0]).toBe(404);
    expect((await getText('/alerts?items=2.5'))[0]).toBe(404);
  });
});

describe('DELETE /checks/{id}/alerts (DateTimeParam, MongoStore.deleteAlerts)', () => {
  const del = (path: string) => fetch(api(path), { method: 'DELETE' }).then((r) => r.status);

  it('deletes only that check’s alerts older than `before`', async () => {
    const a = managedCheck('a').id;
    const b = managedCheck('b').id;
    for (let i = 0; i < 5; i++) {
      seyren.runCheck(a, { at: T0 + i * MIN, values: { s: 1 } });
      seyren.runCheck(b, { at: T0 + i * MIN, values: { s: 1 } });
    }
    const before = new Date(T0 + 2 * MIN).toISOString();
    expect(await del(`/checks/${a}/alerts?before=${encodeURIComponent(before)}`)).toBe(204);
    expect(seyren.alerts.all(a).map((x) => x.timestamp)).toEqual([4, 3, 2].map((i) => T0 + i * MIN));
    expect(seyren.alerts.all(b)).toHaveLength(5);
  });

  it('needs a `+` offset percent-encoded: decoded to a space it is a 404', async () => {
    const { id } = managedCheck();
    seyren.runCheck(id, { at: T0, values: { s: 1 } });
    expect(await del(`/checks/${id}/alerts?before=2026-11-01T08:00:00+01:00`)).toBe(404);
    expect(seyren.alerts.size).toBe(1);
    expect(await del(`/checks/${id}/alerts?before=2026-11-01T07:00:00%2B01:00`)).toBe(204);
    expect(seyren.alerts.size).toBe(1); // 06:00Z is not before 06:00Z
    expect(await del(`/checks/${id}/alerts?before=2026-11-01T07:00:01%2B01:00`)).toBe(204);
    expect(seyren.alerts.size).toBe(0);
  });

  it('without `before` deletes every alert of the check; deleting the check deletes its alerts', async () => {
    const a = managedCheck('a').id;
    const b = managedCheck('b').id;
    seyren.runCheck(a, { at: T0, values: { s: 1 } });
    seyren.runCheck(b, { at: T0, values: { s: 1 } });
    expect(await del(`/checks/${a}/alerts`)).toBe(204);
    expect(seyren.alerts.all(a)).toEqual([]);
    expect(await del(`/checks/${b}`)).toBe(204);
    expect(seyren.alerts.size).toBe(0);
  });
});

describe('Java/Joda helpers of the double', () => {
  it('BigDecimal.toString uses exponent form below an adjusted exponent of -6', () => {
    expect(javaBigDecimalToString('0.000001')).toBe('0.000001');
    expect(javaBigDecimalToString('0.0000001')).toBe('1E-7');
    expect(javaBigDecimalToString('-0.00000012')).toBe('-1.2E-7');
    expect(javaBigDecimalToString('1000')).toBe('1000');
  });

  it('DateTime.parse reads ISO calendar forms and rejects the rest', () => {
    expect(parseJodaDateTime('2026-11-01')).toBe(Date.UTC(2026, 10, 1));
    expect(parseJodaDateTime('2026-11-01T07:30+01:00')).toBe(Date.UTC(2026, 10, 1, 6, 30));
    expect(parseJodaDateTime('2026-11-01T06:30:00.250Z')).toBe(Date.UTC(2026, 10, 1, 6, 30, 0, 250));
    for (const bad of ['2026-02-30', '2026-11-01 07:00', '1 Nov 2026', '2026-13-01', ''])
      expect(parseJodaDateTime(bad)).toBeUndefined();
  });
});
