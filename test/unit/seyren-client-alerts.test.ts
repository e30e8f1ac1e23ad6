import nock from 'nock';
import { alertFromWire, SeyrenClient, SeyrenError } from '../../src/clients/seyren/client';
import { startSeyrenDouble, type SeyrenDouble } from '../support/seyren-double';

const T0 = Date.UTC(2026, 10, 1, 6, 0, 0);
const MIN = 60000;

describe('SeyrenClient alerts against the Seyren double', () => {
  let seyren: SeyrenDouble;
  let client: SeyrenClient;
  beforeEach(async () => {
    seyren = await startSeyrenDouble();
    client = new SeyrenClient({ baseUrl: seyren.url, retries: 1, retryBaseDelayMs: 1 });
  });
  afterEach(() => seyren.close());

  it('reads a page of a check’s alerts as typed records, newest first, with the total', async () => {
    const { id } = seyren.addCheckDirectly({ name: 'c', warn: 0.6, error: 0.9, enabled: true });
    [0.5, 0.7, 0.75, 0.8, 0.95].forEach((v, i) =>
      seyren.runCheck(id, { at: T0 + i * MIN, values: { s: v } }),
    );
    const page = await client.listAlerts({ checkId: id, start: 1, items: 2 });
    expect(page.total).toBe(4);
    expect(page.values).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        checkId: id,
        target: 's',
        value: 0.8,
        warn: 0.6,
        error: 0.9,
        fromType: 'WARN',
        toType: 'WARN',
        timestamp: T0 + 3 * MIN,
      },
      expect.objectContaining({ fromType: 'WARN', toType: 'WARN', value: 0.75, timestamp: T0 + 2 * MIN }),
    ]);
    expect(seyren.requests.at(-1)).toMatchObject({
      path: `/api/checks/${id}/alerts`,
      query: { start: ['1'], items: ['2'] },
    });
  });

  it('reads every check’s alerts without a check id; an unknown id is an empty page', async () => {
    const { id } = seyren.addCheckDirectly({ name: 'c', warn: 1, error: 2, enabled: true });
    seyren.runCheck(id, { at: T0, values: { s: 5 } });
    expect((await client.listAlerts({ start: 0, items: 10 })).values).toHaveLength(1);
    expect(seyren.requests.at(-1)?.path).toBe('/api/alerts');
    expect(await client.listAlerts({ checkId: 'nope', start: 0, items: 10 })).toMatchObject({
      values: [],
      total: 0,
    });
  });

  it('refuses items=0 (Seyren: no limit) and negative offsets before sending', async () => {
    await expect(client.listAlerts({ start: 0, items: 0 })).rejects.toThrow(/items=0 as "no limit"/);
    await expect(client.listAlerts({ start: -1, items: 5 })).rejects.toThrow(/start must be >= 0/);
    expect(seyren.requests).toHaveLength(0);
  });

  it('deletes the alerts before a time, sent as ISO-8601 UTC', async () => {
    const { id } = seyren.addCheckDirectly({ name: 'c', warn: 1, error: 2, enabled: true });
    for (let i = 0; i < 4; i++) seyren.runCheck(id, { at: T0 + i * MIN, values: { s: 5 } });
    await client.deleteAlertsBefore(id, new Date(T0 + 2 * MIN));
    expect(seyren.alerts.all(id).map((a) => a.timestamp)).toEqual([T0 + 3 * MIN, T0 + 2 * MIN]);
    expect(seyren.requests.at(-1)).toMatchObject({
      method: 'DELETE',
      query: { before: ['2026-11-01T06:02:00.000Z'] },
    });
    await expect(client.deleteAlertsBefore(id, new Date(NaN))).rejects.toThrow(/invalid "before"/);
  });
});

describe('SeyrenClient alerts over nock', () => {
  beforeAll(() => {
    if (!nock.isActive()) nock.activate();
  });
  afterEach(() => nock.cleanAll());
  // Each test file loads its own nock; restoring stops this one from intercepting the next file's requests.
  afterAll(() => nock.restore());
  const client = () => new SeyrenClient({ baseUrl: 'http://seyren.test/seyren', retries: 0 });

  it('rejects a body without values and total, and a record without a timestamp', async () => {
    nock('http://seyren.test').get('/seyren/api/alerts').query(true).reply(200, { values: [] });
    const noTotal = await client()
      .listAlerts({ start: 0, items: 5 })
      .catch((e: unknown) => e);
    expect(noTotal).toBeInstanceOf(SeyrenError);
    expect((noTotal as Error).message).toMatch(/"values" list and "total"/);
    nock('http://seyren.test')
      .get('/seyren/api/alerts')
      .query(true)
      .reply(200, { values: [{ id: 'a', checkId: 'c', fromType: 'OK', toType: 'WARN' }], total: 1 });
    await expect(client().listAlerts({ start: 0, items: 5 })).rejects.toThrow(
      /alert 0: no numeric "timestamp"/,
    );
  });

  it('turns the wire record into typed data and drops targetHash', () => {
    const wire = {
      id: 'a',
      checkId: 'c',
      value: '0.5',
      target: 't',
      warn: 1e-7,
      error: null,
      fromType: 'WARN',
      toType: 'OK',
      timestamp: T0,
      targetHash: '\ufffd\u0012x',
    };
    const { targetHash, ...typed } = wire;
    expect(targetHash).toBeDefined();
    expect(alertFromWire(wire)).toEqual({ ...typed, value: 0.5 }); // the numeric string read as a number
    expect(alertFromWire({ ...wire, toType: 'BAD' })).toMatch(/toType/);
    expect(alertFromWire({ ...wire, value: 'abc' })).toMatch(/non-numeric/);
  });
});
