import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SeyrenClient } from '../clients/seyren/client';
import type { SeyrenCheck } from '../clients/seyren/types';
import { applyPlan } from './apply';
import type { SubscriptionDefinition } from './definition-schema';
import { MANAGED_MARKER, MANAGED_NAME_PREFIX, type DesiredCheck } from './desired';
import { newCheckBody, planChanges, type Plan } from './plan';
import { startSeyrenDouble, type RecordedRequest, type SeyrenDouble } from '../../test/support/seyren-double';

const ALL_DAYS = ['su', 'mo', 'tu', 'we', 'th', 'fr', 'sa'] as const;

function sub(extra: Partial<SubscriptionDefinition> = {}): SubscriptionDefinition {
  return {
    type: 'EMAIL',
    target: 'me@example.com',
    days: [...ALL_DAYS],
    fromTime: '0000',
    toTime: '2359',
    ignoreWarn: false,
    ignoreError: false,
    ignoreOk: false,
    enabled: true,
    ...extra,
  };
}

function desired(metric: string, extra: Partial<DesiredCheck> = {}): DesiredCheck {
  return {
    name: `${MANAGED_NAME_PREFIX}cv:${metric}`,
    description: `${MANAGED_MARKER} cv from checks/t.yaml.`,
    target: `divideSeries(stdev(${metric},14),movingAverage(${metric},14))`,
    from: '-30d',
    until: 'now',
    warn: 0.5,
    error: 1,
    enabled: true,
    allowNoData: false,
    subscriptions: [sub()],
    direction: 'high-is-bad',
    source: { file: 'checks/t.yaml', line: 1, heuristic: 'cv', metric },
    ...extra,
  };
}

const metrics = (n: number) => Array.from({ length: n }, (_, i) => `health.m${i}`);
const writes = (requests: RecordedRequest[]) => requests.filter((r) => r.method !== 'GET');
const summary = (requests: RecordedRequest[]) =>
  writes(requests)
    .map((r) => `${r.method} ${r.path}`)
    .sort();

/** Forwards to the double and counts requests in flight at once (the double itself does not). */
async function startInFlightCounter(targetBase: string) {
  const target = new URL(targetBase);
  const stats = { inFlight: 0, max: 0 };
  const server = http.createServer((req, res) => {
    stats.inFlight++;
    stats.max = Math.max(stats.max, stats.inFlight);
    const upstream = http.request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
        up.on('end', () => stats.inFlight--);
      },
    );
    upstream.on('error', () => {
      stats.inFlight--;
      res.destroy();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${target.pathname}`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('applyPlan against the Seyren double', () => {
  let double: SeyrenDouble;
  let seyren: SeyrenClient;

  beforeEach(async () => {
    double = await startSeyrenDouble();
    seyren = new SeyrenClient({ baseUrl: double.url, retryBaseDelayMs: 1 });
  });
  afterEach(() => double.close());

  const managed = () => seyren.listChecks(`^${MANAGED_NAME_PREFIX}`);
  const planFor = async (want: DesiredCheck[], prune = false): Promise<Plan> =>
    planChanges(want, await managed(), { prune });

  it('one 500 on one write leaves the others applied, names the failure, and a re-run converges', async () => {
    const want = metrics(5).map((m) => desired(m));
    const broken = want[2]!.name;
    double.failNext((r) => r.method === 'POST' && (r.body as { name?: string })?.name === broken, 1, 500);

    const first = await applyPlan(await planFor(want), seyren, { concurrency: 2 });
    expect(first).toMatchObject({ created: 4, updated: 0, deleted: 0, unchanged: 0 });
    expect(first.failures).toHaveLength(1);
    expect(first.failures[0]).toMatchObject({ name: broken, kind: 'create' });
    expect(first.failures[0]!.message).toMatch(/^Seyren POST \/api\/checks answered 500: .*injected failure/);
    expect(double.checks.size).toBe(4);
    expect(double.checks.findByName(broken)).toBeUndefined();
    // exactly one attempt at the failed POST: a 500 may be a duplicate name, so it is never blindly repeated
    expect(double.requests.filter((r) => r.method === 'POST')).toHaveLength(5);

    double.requests.length = 0;
    const replan = await planFor(want);
    expect(replan.actions.map((a) => `${a.kind} ${a.name}`)).toEqual([`create ${broken}`]);
    expect(replan.unchanged).toHaveLength(4);
    const second = await applyPlan(replan, seyren);
    expect(second).toEqual({ created: 1, updated: 0, deleted: 0, unchanged: 4, failures: [] });
    expect(summary(double.requests)).toEqual(['POST /api/checks']);
    expect((await planFor(want)).actions).toEqual([]);
    expect(double.checks.size).toBe(5);
  });

  it('an update is exactly one PUT of the full object, never DELETE + POST', async () => {
    const before = desired('health.steps');
    await applyPlan(await planFor([before]), seyren);
    const created = double.checks.findByName(before.name) as SeyrenCheck;
    double.requests.length = 0;

    const after = { ...before, warn: 0.65, error: 0.9 };
    const plan = await planFor([after]);
    const result = await applyPlan(plan, seyren);
    expect(result).toEqual({ created: 0, updated: 1, deleted: 0, unchanged: 0, failures: [] });
    expect(summary(double.requests)).toEqual([`PUT /api/checks/${created.id}`]);
    const put = writes(double.requests)[0]!;
    expect(put.body).toEqual({
      id: created.id,
      name: before.name,
      description: before.description,
      target: before.target,
      from: '-30d',
      until: 'now',
      warn: '0.65',
      error: '0.9',
      enabled: true,
      live: false,
      allowNoData: false,
      state: 'OK',
      lastCheck: null,
      subscriptions: created.subscriptions,
    });
    const stored = double.checks.get(created.id) as SeyrenCheck;
    expect([stored.id, stored.warn, stored.error]).toEqual([created.id, '0.65', '0.9']);
    expect(stored.subscriptions).toEqual(created.subscriptions);
  });

  it('subscription changes go through the /subscriptions endpoints, and no check PUT when only they change', async () => {
    const keep = sub({ type: 'SLACK', target: '#ops' });
    const edit = sub({ type: 'PAGERDUTY', target: 'PD-KEY' });
    const drop = sub({ type: 'EMAIL', target: 'old@example.com' });
    const add = sub({ type: 'EMAIL', target: 'new@example.com' });
    const before = desired('health.steps', { subscriptions: [keep, edit, drop] });
    await applyPlan(await planFor([before]), seyren);
    const created = double.checks.findByName(before.name) as SeyrenCheck;
    const idOf = (target: string) => created.subscriptions.find((s) => s.target === target)!.id;
    double.requests.length = 0;

    const after: DesiredCheck = { ...before, subscriptions: [keep, sub({ ...edit, days: ['mo'] }), add] };
    const result = await applyPlan(await planFor([after]), seyren);
    expect(result).toEqual({ created: 0, updated: 1, deleted: 0, unchanged: 0, failures: [] });
    const base = `/api/checks/${created.id}/subscriptions`;
    expect(summary(double.requests)).toEqual(
      [`DELETE ${base}/${idOf('old@example.com')}`, `POST ${base}`, `PUT ${base}/${idOf('PD-KEY')}`].sort(),
    );
    const put = writes(double.requests).find((r) => r.method === 'PUT')!;
    expect(put.body).toMatchObject({ id: idOf('PD-KEY'), su: false, mo: true, tu: false, sa: false });

    const stored = double.checks.get(created.id) as SeyrenCheck;
    expect(stored.subscriptions.map((s) => s.target).sort()).toEqual(['#ops', 'PD-KEY', 'new@example.com']);
    expect(stored.subscriptions.find((s) => s.target === 'new@example.com')).toMatchObject({
      su: true,
      sa: true,
      fromTime: '0000',
      toTime: '2359',
      enabled: true,
    });
    expect((await planFor([after])).actions).toEqual([]);
  });

  it('deletes with prune, by id, and counts them', async () => {
    const [a, b] = metrics(2).map((m) => desired(m));
    await applyPlan(await planFor([a!, b!]), seyren);
    const bId = double.checks.findByName(b!.name)!.id;
    double.requests.length = 0;
    const result = await applyPlan(await planFor([a!], true), seyren);
    expect(result).toEqual({ created: 0, updated: 0, deleted: 1, unchanged: 1, failures: [] });
    expect(summary(double.requests)).toEqual([`DELETE /api/checks/${bId}`]);
  });

  it.each([1, 3])(
    'concurrency %i bounds the requests in flight (observed through a counting proxy)',
    async (concurrency) => {
      await double.close();
      double = await startSeyrenDouble({ latencyMs: 40 });
      const counter = await startInFlightCounter(double.url);
      try {
        const client = new SeyrenClient({ baseUrl: counter.url, retryBaseDelayMs: 1 });
        const plan = planChanges(
          metrics(9).map((m) => desired(m)),
          [],
          { prune: false },
        );
        const progress: number[] = [];
        const result = await applyPlan(plan, client, {
          concurrency,
          onProgress: (done) => progress.push(done),
        });
        expect(result.created).toBe(9);
        expect(counter.stats.max).toBe(concurrency);
        expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      } finally {
        await counter.close();
      }
    },
  );
  it("after a create answered 500, adopts the existing check only when it carries healthlake's marks", async () => {
    const [byOtherRun, byHand] = [desired('health.steps'), desired('health.sleep')];
    const plan = await planFor([byOtherRun, byHand]);
    expect(plan.actions.map((a) => a.kind)).toEqual(['create', 'create']);
    // Between plan and apply: another healthlake run creates one check, someone creates the other's name by hand.
    const adopted = double.addCheckDirectly({ ...newCheckBody(byOtherRun), subscriptions: [] });
    const foreign = double.addCheckDirectly({
      name: byHand.name,
      description: 'my own check',
      warn: 1,
      error: 2,
    });

    const result = await applyPlan(plan, seyren);
    // Seyren answered both POSTs 500 (the unique name index); each name was then looked up.
    expect(double.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
    expect(result).toMatchObject({ created: 1, updated: 0, deleted: 0 });
    expect(result.failures).toEqual([
      {
        name: byHand.name,
        kind: 'create',
        message:
          `Seyren POST /api/checks answered 500: a check named "${byHand.name}" already exists (id ${foreign.id}) ` +
          'and is not managed by healthlake (its description lacks the marker); rename or delete it in Seyren',
      },
    ]);
    // Both checks as they were: the adopted one is healthlake's, the hand-made one untouched.
    expect(double.checks.findByName(byOtherRun.name)).toEqual(adopted);
    expect(double.checks.findByName(byHand.name)).toEqual(foreign);
    expect(writes(double.requests).filter((r) => r.method !== 'POST')).toEqual([]);
  });
});
