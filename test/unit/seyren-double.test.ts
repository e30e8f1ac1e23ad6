import { startSeyrenDouble, type SeyrenDouble } from '../support/seyren-double';

// Pins down the double's Seyren 1.5.0 quirks with raw fetch calls, so that client and sync tests can trust it.
// Each expectation cites a section of docs/seyren-api.md.

let seyren: SeyrenDouble;
beforeEach(async () => {
  seyren = await startSeyrenDouble();
});
afterEach(() => seyren.close());

const api = (path: string) => `${seyren.url}/api${path}`;
const JSON_TYPE = { 'Content-Type': 'application/json' };

function send(method: string, path: string, body?: unknown, headers: Record<string, string> = JSON_TYPE) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return fetch(api(path), { method, headers, body: body === undefined ? undefined : text });
}

async function create(body: Record<string, unknown>): Promise<string> {
  const res = await send('POST', '/checks', body);
  expect(res.status).toBe(201);
  return (res.headers.get('location') as string).split('/').pop() as string;
}

async function getJson(path: string): Promise<Record<string, unknown>> {
  const res = await fetch(api(path));
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

const names = (list: Record<string, unknown>) => (list.values as { name: string }[]).map((c) => c.name);

describe('routing (section 0)', () => {
  it('serves the API only under <contextPath>/api', async () => {
    const outside = await fetch(seyren.url.replace('/seyren', '') + '/api/checks');
    expect(outside.status).toBe(404);
    expect(await getJson('/checks')).toEqual({ values: [], items: 0, start: 0, total: 0 });
  });

  it('supports the root context of the runnable jar', async () => {
    const root = await startSeyrenDouble({ contextPath: '' });
    try {
      expect(root.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${root.url}/api/checks`)).status).toBe(200);
    } finally {
      await root.close();
    }
  });

  it('answers 406 to a GET that does not accept JSON', async () => {
    expect((await fetch(api('/checks'), { headers: { Accept: 'text/html' } })).status).toBe(406);
  });
});

describe('POST /checks (2.1)', () => {
  it('needs Content-Type application/json, else 415 (issue #314)', async () => {
    expect((await send('POST', '/checks', { name: 'a' }, {})).status).toBe(415);
    expect((await send('POST', '/checks', { name: 'a' }, { 'Content-Type': 'text/plain' })).status).toBe(415);
    expect(seyren.checks.size).toBe(0);
  });

  it('answers 400 with an empty body to malformed JSON and non-numeric thresholds', async () => {
    for (const body of [
      '{"name":',
      '{"name":"a","warn":"abc"}',
      '{"name":"a","error":""}',
      '{"warn":true}',
    ]) {
      const res = await send('POST', '/checks', body);
      expect([res.status, await res.text()]).toEqual([400, '']);
    }
    expect(seyren.checks.size).toBe(0);
  });

  it('answers 201 with an empty body and an absolute Location; ignores a body id', async () => {
    const res = await send('POST', '/checks', { id: 'mine', name: 'a' });
    expect(res.status).toBe(201);
    expect(await res.text()).toBe('');
    const location = res.headers.get('location') as string;
    expect(location).toMatch(new RegExp(`^${seyren.url}/api/checks/[0-9a-f]{24}$`));
    const id = location.split('/').pop() as string;
    expect(seyren.checks.get(id)?.name).toBe('a');
    expect(seyren.checks.get('mine')).toBeUndefined();
  });

  it('accepts {} and applies the defaults; JSON output includes nulls', async () => {
    const id = await create({});
    const res = await fetch(api(`/checks/${id}`));
    const text = await res.text();
    expect(text).toContain('"from":null');
    expect(JSON.parse(text)).toEqual({
      id,
      name: null,
      description: null,
      target: null,
      from: null,
      until: null,
      warn: null,
      error: null,
      enabled: false,
      live: false,
      allowNoData: false,
      state: 'OK',
      lastCheck: null,
      subscriptions: [],
    });
  });

  it('stores thresholds as BigDecimal plain strings, keeping the scale', async () => {
    const cases: [string, string, string][] = [
      ['5', '"1e3"', '"5"/"1000"'],
      ['0.5', '1.0', '"0.5"/"1.0"'],
      ['"1E-3"', '-2.50', '"0.001"/"-2.50"'],
    ];
    for (const [i, [warn, error, expected]] of cases.entries()) {
      const id = await create(JSON.parse(`{"name":"t${i}"}`));
      await send(
        'PUT',
        `/checks/${id}`,
        `{"id":"${id}","name":"t${i}","warn":${warn},"error":${error},"state":"OK"}`,
      );
      const check = await getJson(`/checks/${id}`);
      expect(`${JSON.stringify(check.warn)}/${JSON.stringify(check.error)}`).toBe(expected);
    }
    const posted = await send('POST', '/checks', '{"name":"p","warn":1.0,"error":1e3}');
    const id = (posted.headers.get('location') as string).split('/').pop() as string;
    expect(seyren.checks.get(id)).toMatchObject({ warn: '1.0', error: '1000' });
  });

  it('answers 500 with an HTML page to a duplicate name, including two unnamed checks', async () => {
    await create({ name: 'dup' });
    const res = await send('POST', '/checks', { name: 'dup', target: 'other' });
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('E11000 duplicate key');
    await create({ target: 'x' });
    expect((await send('POST', '/checks', { target: 'y' })).status).toBe(500);
    expect(seyren.checks.size).toBe(2);
  });

  it('stores nested subscriptions: given ids kept, others minted, missing booleans false', async () => {
    const id = await create({
      name: 'n',
      unknownField: 1,
      subscriptions: [
        { id: 'keep-me', type: 'EMAIL', target: 'a@b.c', mo: true, fromTime: '0930', toTime: '2359' },
        { type: 'SLACK', target: '#ops', fromTime: '900', toTime: 1234, enabled: true },
      ],
    });
    const [first, second] = seyren.checks.get(id)?.subscriptions ?? [];
    expect(first).toEqual({
      id: 'keep-me',
      target: 'a@b.c',
      type: 'EMAIL',
      su: false,
      mo: true,
      tu: false,
      we: false,
      th: false,
      fr: false,
      sa: false,
      ignoreWarn: false,
      ignoreError: false,
      ignoreOk: false,
      fromTime: '0930',
      toTime: '2359',
      enabled: false,
    });
    // "900" is not 4 characters: silently null. The number 1234 has 4 characters of text: 12:34.
    expect(second).toMatchObject({ type: 'SLACK', fromTime: null, toTime: '1234', enabled: true });
    expect(second?.id).toMatch(/^[0-9a-f]{24}$/);
  });

  it('answers 400 to hour 24, non-digit times and unknown subscription types', async () => {
    const bad = [{ fromTime: '2400' }, { toTime: 'ab12' }, { fromTime: '9:00' }, { type: 'WEBHOOK' }];
    for (const extra of bad) {
      const res = await send('POST', '/checks', { name: 'x', subscriptions: [{ type: 'EMAIL', ...extra }] });
      expect(res.status).toBe(400);
    }
  });
});

describe('GET /checks filters (section 1)', () => {
  beforeEach(async () => {
    seyren.addCheckDirectly({ name: 'api.errors', target: 'sumSeries(a.*)', state: 'ERROR', enabled: true });
    seyren.addCheckDirectly({
      name: 'api.latency',
      target: 'b',
      state: 'WARN',
      enabled: false,
      warn: 5,
      error: 10,
    });
    seyren.addCheckDirectly({
      name: 'db.Disk',
      target: 'c',
      state: 'OK',
      enabled: true,
      subscriptions: [{ type: 'PAGERDUTY', target: 'pd-key-1' }],
    });
  });

  it('filters by repeated state (comma lists match nothing) and enabled', async () => {
    expect(names(await getJson('/checks?state=ERROR&state=WARN'))).toEqual(['api.errors', 'api.latency']);
    expect(names(await getJson('/checks?state=ERROR,WARN'))).toEqual([]);
    expect(names(await getJson('/checks?state=ERROR&state=WARN&enabled=true'))).toEqual(['api.errors']);
    expect(names(await getJson('/checks?enabled=yes'))).toEqual(['api.latency']); // Boolean.valueOf
  });

  it('matches paired fields/regexes unanchored against document fields', async () => {
    expect(names(await getJson('/checks?fields=name&regexes=latency'))).toEqual(['api.latency']);
    expect(names(await getJson('/checks?fields=name&regexes=%5Eapi%5C.'))).toEqual([
      'api.errors',
      'api.latency',
    ]);
    expect(names(await getJson('/checks?fields=name&regexes=disk'))).toEqual([]);
    expect(names(await getJson('/checks?fields=name&regexes=(%3Fi)disk'))).toEqual(['db.Disk']);
    expect(names(await getJson('/checks?fields=subscriptions.target&regexes=pd-key'))).toEqual(['db.Disk']);
    expect(names(await getJson('/checks?fields=warn&regexes=%5E5%24'))).toEqual(['api.latency']);
    expect(names(await getJson('/checks?fields=name&regexes=api&fields=target&regexes=sum'))).toEqual([
      'api.errors',
    ]);
    expect((await getJson('/checks?fields=name&regexes=api.errors&state=WARN')).total).toBe(1); // state wins
  });

  it('answers 500 to a bad regex or unpaired fields/regexes', async () => {
    expect((await fetch(api('/checks?fields=name&regexes=(unclosed'))).status).toBe(500);
    expect((await fetch(api('/checks?fields=name&regexes=a%7Bb'))).status).toBe(500); // Illegal repetition
    expect((await fetch(api('/checks?fields=name&fields=target&regexes=a'))).status).toBe(500);
    expect((await getJson('/checks?fields=name')).total).toBe(3); // regexes missing: all checks
  });
});

describe('GET, PUT and DELETE /checks/{id} (2.2)', () => {
  let id: string;
  let full: Record<string, unknown>;
  beforeEach(async () => {
    id = await create({
      name: 'c',
      description: 'd',
      target: 't',
      warn: 1,
      error: 2,
      enabled: true,
      lastCheck: 1700000000000,
      subscriptions: [{ type: 'EMAIL', target: 'a@b.c' }],
    });
    full = await getJson(`/checks/${id}`);
  });

  it('answers 404 with an empty body to an unknown id', async () => {
    const res = await fetch(api('/checks/000000000000000000000000'));
    expect([res.status, await res.text()]).toEqual([404, '']);
    expect((await send('PUT', '/checks/000000000000000000000000', { ...full })).status).toBe(404);
  });

  it('replaces every scalar, echoes the body and never touches subscriptions', async () => {
    const body = {
      id,
      name: 'c2',
      target: 't2',
      until: '',
      warn: '3',
      error: 4,
      state: 'WARN',
      subscriptions: [],
    };
    const res = await send('PUT', `/checks/${id}`, body);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id, name: 'c2', warn: '3', error: '4', description: null });
    expect(seyren.checks.get(id)).toMatchObject({
      name: 'c2',
      description: null, // absent: nulled (full replace)
      until: null, // "" becomes null
      enabled: false,
      lastCheck: null, // absent: cleared
      state: 'WARN',
      subscriptions: full.subscriptions,
    });
  });

  it('answers 500 to a null warn, error or state, and changes nothing', async () => {
    for (const field of ['warn', 'error', 'state']) {
      const res = await send('PUT', `/checks/${id}`, { ...full, name: 'changed', [field]: null });
      expect(res.status).toBe(500);
    }
    expect(seyren.checks.get(id)).toEqual(full);
  });

  it('answers 200 but updates nothing when the body has no id', async () => {
    const res = await send('PUT', `/checks/${id}`, { ...full, id: undefined, name: 'changed' });
    expect(res.status).toBe(200);
    expect(seyren.checks.get(id)?.name).toBe('c');
  });

  it('updates the check named by the BODY id, even another one', async () => {
    const otherId = await create({ name: 'other' });
    const res = await send('PUT', `/checks/${id}`, { ...full, id: otherId, name: 'overwritten' });
    expect(res.status).toBe(200);
    expect(seyren.checks.get(otherId)?.name).toBe('overwritten');
    expect(seyren.checks.get(id)?.name).toBe('c');
  });

  it('answers 500 to a rename onto an existing name', async () => {
    await create({ name: 'taken' });
    expect((await send('PUT', `/checks/${id}`, { ...full, name: 'taken' })).status).toBe(500);
  });

  it('answers 204 to DELETE, even for an unknown id', async () => {
    expect((await fetch(api(`/checks/${id}`), { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(api(`/checks/${id}`), { method: 'DELETE' })).status).toBe(204);
    expect(seyren.checks.size).toBe(0);
  });
});

describe('subscriptions (section 3)', () => {
  let id: string;
  beforeEach(async () => {
    id = await create({ name: 'c' });
  });

  it('POST answers 201 with a Location, mints the id, and stores nothing for an unknown check', async () => {
    const res = await send('POST', `/checks/${id}/subscriptions`, {
      id: 'ignored',
      type: 'EMAIL',
      target: 'a',
    });
    expect(res.status).toBe(201);
    const subId = (res.headers.get('location') as string).split('/').pop() as string;
    expect(res.headers.get('location')).toBe(`${seyren.url}/api/checks/${id}/subscriptions/${subId}`);
    expect(seyren.checks.get(id)?.subscriptions.map((s) => s.id)).toEqual([subId]);
    const ghost = await send('POST', '/checks/000000000000000000000000/subscriptions', { type: 'EMAIL' });
    expect(ghost.status).toBe(201);
    expect((await send('POST', `/checks/${id}/subscriptions`, { type: 'EMAIL' }, {})).status).toBe(415);
  });

  it('PUT replaces the element named by the BODY id (path id ignored) and always answers 204', async () => {
    const loc = (
      await send('POST', `/checks/${id}/subscriptions`, { type: 'EMAIL', target: 'a', mo: true })
    ).headers.get('location') as string;
    const subId = loc.split('/').pop() as string;
    const put = await send('PUT', `/checks/${id}/subscriptions/whatever`, {
      id: subId,
      type: 'SLACK',
      target: 'b',
    });
    expect(put.status).toBe(204);
    expect(seyren.checks.get(id)?.subscriptions).toEqual([expect.objectContaining({ id: subId, mo: false })]);
    expect(seyren.checks.get(id)?.subscriptions[0]).toMatchObject({ type: 'SLACK', target: 'b' });
    const noId = await send('PUT', `/checks/${id}/subscriptions/${subId}`, { type: 'EMAIL', target: 'c' });
    expect(noId.status).toBe(204);
    expect(seyren.checks.get(id)?.subscriptions[0]?.target).toBe('b');
    expect((await fetch(api(`/checks/${id}/subscriptions/${subId}`), { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(api(`/checks/${id}/subscriptions/${subId}`), { method: 'DELETE' })).status).toBe(204);
    expect(seyren.checks.get(id)?.subscriptions).toEqual([]);
  });
});

describe('test controls', () => {
  it('records requests relative to the context path', async () => {
    await create({ name: 'a' });
    await fetch(api('/checks?fields=name&regexes=a'));
    expect(seyren.requests).toEqual([
      { method: 'POST', path: '/api/checks', query: {}, body: { name: 'a' } },
      { method: 'GET', path: '/api/checks', query: { fields: ['name'], regexes: ['a'] }, body: undefined },
    ]);
  });

  it('failNext answers the given status count times without processing', async () => {
    seyren.failNext((r) => r.method === 'POST', 2, 503);
    expect((await send('POST', '/checks', { name: 'a' })).status).toBe(503);
    expect((await send('POST', '/checks', { name: 'a' })).status).toBe(503);
    expect(seyren.checks.size).toBe(0);
    await create({ name: 'a' });
  });

  it('failNext can drop the connection before or after processing', async () => {
    seyren.failNext((r) => r.method === 'POST', 1, 'reset');
    await expect(send('POST', '/checks', { name: 'a' })).rejects.toThrow();
    expect(seyren.checks.size).toBe(0);
    seyren.failNext((r) => r.method === 'POST', 1, 'reset-after-handling');
    await expect(send('POST', '/checks', { name: 'a' })).rejects.toThrow();
    expect(seyren.checks.findByName('a')).toBeDefined();
  });

  it('delays every answer by latencyMs', async () => {
    const slow = await startSeyrenDouble({ latencyMs: 60 });
    try {
      const started = Date.now();
      await fetch(`${slow.url}/api/checks`);
      expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    } finally {
      await slow.close();
    }
  });

  it('keeps 3,000 checks and finds one by exact name through the name index', async () => {
    for (let i = 0; i < 3000; i++) seyren.addCheckDirectly({ name: `bulk.${i}`, warn: 1, error: 2 });
    const started = Date.now();
    for (let i = 0; i < 200; i++) {
      const list = await getJson(`/checks?fields=name&regexes=${encodeURIComponent(`^bulk\\.${i * 7}$`)}`);
      expect(names(list)).toEqual([`bulk.${i * 7}`]);
    }
    expect((await getJson('/checks')).total).toBe(3000);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(() => seyren.addCheckDirectly({ name: 'bulk.1' })).toThrow(/exists/);
  });
});
