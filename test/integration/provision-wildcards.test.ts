import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expandShows, graphiteClient, writeFineSeries } from '../support/graphite-fixtures';
import { graphiteEnv, nodesHolding, storageNodes } from '../support/integration-stack';
import { runCli, type CliResult } from '../support/run-cli';
import { startSeyrenDouble, type RecordedRequest, type SeyrenDouble } from '../support/seyren-double';

// provision-checks expands metric globs through the REAL graphite-web of the integration stack (one check per
// series), and --validate renders every target there before anything is written to Seyren (the double).
// Metrics are stored 10s:1d,1m:30d (the stack's catch-all schema), i.e. resolution `fine`. On the cluster
// topology the glob's series live on different nodes (server1 and server3 on node 2, server5 on node 1: the
// relay hashes names, not ports) and the front graphite-web expands them, once each.

const GLOB_YAML = `defaults:
  resolution: fine
  subscriptions:
    - type: SLACK
      target: "#ops"
environments: [prod]
checks:
  - metric: "apps.{{env}}.server*.tx_rate"
    heuristics:
      cv: { warn: 0.3, error: 0.5 }
`;

const writes = (requests: RecordedRequest[]) => requests.filter((r) => r.method !== 'GET');
const bodyName = (r: RecordedRequest) => (r.body as { name?: string } | undefined)?.name;

describe('provision-checks with wildcard metrics on real graphite-web', () => {
  // Names unique to this test file and run, so other suites' metrics never match the glob.
  const app = `apps.prod`;
  const m = (n: number) => `${app}.server${n}.tx_rate`;
  const GLOB = 'apps.prod.server*.tx_rate';
  let double: SeyrenDouble;
  let dir: string;

  beforeAll(async () => {
    await writeFineSeries(m(1), 100);
    await writeFineSeries(m(5), 200);
    await expandShows(GLOB, [m(1), m(5)]);
    // the premise: the two series are spread over every node of the stack, each on exactly one
    const holders = [m(1), m(5)].map((metric) => nodesHolding(metric));
    expect(holders.every((h) => h.length === 1)).toBe(true);
    expect(new Set(holders.flat()).size).toBe(storageNodes().length);
  });
  beforeEach(async () => {
    double = await startSeyrenDouble();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-it-wild-'));
    fs.mkdirSync(path.join(dir, 'checks'));
    fs.writeFileSync(path.join(dir, 'checks', 'apps.yaml'), GLOB_YAML);
  });
  afterEach(async () => {
    await double.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = (...extra: string[]): Promise<CliResult> =>
    runCli(['provision-checks', '--checks', path.join(dir, 'checks'), ...extra], {
      SEYREN_URL: double.url,
      ...graphiteEnv(),
      HOME: dir,
    });

  it('creates one check per series, then exactly one more when a series appears', async () => {
    const first = await run();
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const posts = writes(double.requests);
    expect(posts.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/checks', 'POST /api/checks']);
    expect(posts.map(bodyName).sort()).toEqual([`healthlake:cv:${m(1)}`, `healthlake:cv:${m(5)}`]);
    const server1 = posts.find((r) => bodyName(r) === `healthlake:cv:${m(1)}`)!;
    expect(server1.body).toMatchObject({
      // one concrete series per check: divideSeries needs exactly one divisor
      target: `divideSeries(stdev(${m(1)},30),movingAverage(${m(1)},30))`,
      from: '-15min',
      until: 'now',
      warn: 0.3,
      error: 0.5,
    });
    expect((server1.body as { description: string }).description).toMatch(
      /^\[managed by healthlake\] \(env prod\) /,
    );

    // server3 is still absent for the glob (written later by this test only)
    await writeFineSeries(m(3), 300);
    await expandShows(GLOB, [m(1), m(5), m(3)]);

    double.requests.length = 0;
    const second = await run();
    expect(second.code).toBe(0);
    expect(writes(double.requests).map((r) => `${r.method} ${r.path} ${bodyName(r)}`)).toEqual([
      `POST /api/checks healthlake:cv:${m(3)}`,
    ]);
    expect(second.stdout).toContain('Applied: 1 created, 0 updated, 0 deleted, 2 unchanged.');
    expect(double.checks.size).toBe(3);

    // and --validate renders the three real targets without an issue; nothing left to write
    double.requests.length = 0;
    const validated = await run('--validate');
    expect(validated.code).toBe(0);
    expect(validated.stderr).toBe('');
    expect(validated.stdout).toContain('No changes.');
    expect(writes(double.requests)).toEqual([]);
  });

  it('--validate on a first apply renders every target and then creates them', async () => {
    const result = await run('--validate');
    expect(result.code).toBe(0);
    const found = await graphiteClient().expand(GLOB);
    expect(writes(double.requests)).toHaveLength(found.length);
    expect(double.checks.size).toBe(found.length);
  });

  it('--validate stops on a target graphite-web rejects, with its first line, and writes nothing', async () => {
    const templates = path.join(dir, 'templates');
    fs.mkdirSync(templates);
    fs.writeFileSync(
      path.join(templates, 'broken.mustache'),
      '---\ndescription: calls a function graphite-web does not have\n' +
        'defaults:\n  daily: { from: "-30d", until: "now" }\n  fine: { from: "-15min", until: "now" }\n' +
        '---\nfooBar({{metric}})\n',
    );
    fs.writeFileSync(
      path.join(dir, 'checks', 'apps.yaml'),
      GLOB_YAML.replace('cv: { warn: 0.3, error: 0.5 }', 'broken: { warn: 0.3, error: 0.5 }'),
    );
    const found = await graphiteClient().expand(GLOB);
    const result = await run('--validate', '--templates', templates);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `healthlake: --validate: ${found.length} target(s) fail in Graphite; nothing was written:`,
    );
    expect(result.stderr).toContain(
      `  healthlake:broken:${m(1)}: HTTP 400: Invalid parameters (Received request for unknown function: fooBar)`,
    );
    expect(result.stdout).toBe('');
    // validation happens before Seyren is even read
    expect(double.requests).toHaveLength(0);
    expect(double.checks.size).toBe(0);
  });
});
