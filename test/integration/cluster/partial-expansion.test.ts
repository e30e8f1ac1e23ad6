import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expandShows, graphiteClient, writeFineSeries } from '../../support/graphite-fixtures';
import { namesOnNode, nodeWebUrl, withNodeDown } from '../../support/cluster-faults';
import { integrationStack, storageNodes } from '../../support/integration-stack';
import { runCli, type CliResult } from '../../support/run-cli';
import { startSeyrenDouble, type RecordedRequest, type SeyrenDouble } from '../../support/seyren-double';

// One node's graphite-web down: the front graphite-web answers partially (HTTP 200, the series of the other
// node only), and provision-checks must not prune the checks of the series a glob "lost" that way. It finds out
// in two ways: with GRAPHITE_CLUSTER_URLS it asks each node itself; without, it sees that GRAPHITE_URL federates
// nodes it does not know and trusts no loss. Once every node answers, a series that is really gone is pruned.

const GLOB = 'apps.prod.edge*.tx_rate';
const YAML = `defaults:
  resolution: fine
environments: [prod]
checks:
  - metric: "apps.{{env}}.edge*.tx_rate"
    heuristics:
      cv: { warn: 0.3, error: 0.5 }
`;
const edge = (i: number) => `apps.prod.edge${i}.tx_rate`;
const checkName = (metric: string) => `healthlake:cv:${metric}`;
const writes = (requests: RecordedRequest[]) => requests.filter((r) => r.method !== 'GET');

describe('provision-checks --prune while a node of the cluster does not answer', () => {
  const stack = integrationStack();
  const clusterUrls = storageNodes(stack)
    .map((n) => n.webUrl)
    .join(',');
  let onNode1: string[];
  let onNode2: string[];
  let double: SeyrenDouble;
  let dir: string;

  beforeAll(async () => {
    onNode1 = await namesOnNode(edge, 1, 2);
    onNode2 = await namesOnNode(edge, 2, 2);
    for (const [i, metric] of [...onNode1, ...onNode2].entries())
      await writeFineSeries(metric, 100 * (i + 1));
    await expandShows(GLOB, [...onNode1, ...onNode2]);
    double = await startSeyrenDouble();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-it-partial-'));
    fs.mkdirSync(path.join(dir, 'checks'));
    fs.writeFileSync(path.join(dir, 'checks', 'apps.yaml'), YAML);
  });
  afterAll(async () => {
    await double.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const provision = (env: Record<string, string>, ...extra: string[]): Promise<CliResult> => {
    double.requests.length = 0;
    return runCli(['provision-checks', '--checks', path.join(dir, 'checks'), ...extra], {
      SEYREN_URL: double.url,
      GRAPHITE_URL: stack.graphiteUrl,
      HOME: dir,
      ...env,
    });
  };
  const withNodes = { GRAPHITE_CLUSTER_URLS: clusterUrls };

  it('with every node answering: one check per series of both nodes', async () => {
    const run = await provision(withNodes, '--prune');
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(
      double.checks
        .all()
        .map((c) => c.name)
        .sort(),
    ).toEqual([...onNode1, ...onNode2].map(checkName).sort());
  });

  it("node 2's graphite-web down: the front lists node 1's series only, and no check is pruned", async () => {
    const before = double.checks
      .all()
      .map((c) => `${c.id} ${c.name}`)
      .sort();
    expect(before).toHaveLength(4);
    const node2 = nodeWebUrl(2);

    await withNodeDown(2, 'graphite-web', async () => {
      // the front answers partially, with HTTP 200
      expect((await graphiteClient().expand(GLOB)).sort()).toEqual([...onNode1].sort());

      // GRAPHITE_CLUSTER_URLS set: the silent node is named, nothing is deleted, exit 1
      const declared = await provision(withNodes, '--prune');
      expect(declared.code).toBe(1);
      expect(writes(double.requests)).toEqual([]);
      expect(declared.stdout).toContain('No changes.');
      expect(declared.stdout).toContain(
        '2 managed check(s) are kept although a glob no longer lists their series',
      );
      expect(declared.stdout).toContain(`  ${GLOB}: graphite-web node ${node2} did not answer (`);
      for (const metric of onNode2) expect(declared.stdout).toContain(`    ${checkName(metric)}  (id `);
      expect(declared.stderr).toContain('the expansion of a glob may be incomplete');

      // not set: the front federates nodes healthlake does not know, so no loss is trusted
      const undeclared = await provision({}, '--prune');
      expect(undeclared.code).toBe(1);
      expect(writes(double.requests)).toEqual([]);
      expect(undeclared.stdout).toContain(
        `  ${GLOB}: GRAPHITE_URL federates other graphite-webs (it lists apps, which its own storage lacks) ` +
          'and GRAPHITE_CLUSTER_URLS is not set, so healthlake cannot tell whether every node answered',
      );

      // the plan as JSON says the same
      const dry = await provision(withNodes, '--prune', '--dry-run', '--json');
      expect(dry.code).toBe(1);
      const plan = JSON.parse(dry.stdout) as {
        summary: { delete: number };
        withheld: Array<{ name: string; glob: string }>;
        incompleteExpansions: Array<{ glob: string; kind: string; reason: string }>;
      };
      expect(plan.summary.delete).toBe(0);
      expect(plan.withheld.map((w) => w.name)).toEqual(onNode2.map(checkName).sort());
      expect(plan.incompleteExpansions).toEqual([
        { glob: GLOB, kind: 'partial', reason: expect.stringContaining(`graphite-web node ${node2}`) },
      ]);
    });

    // every check is still there, with its id
    expect(
      double.checks
        .all()
        .map((c) => `${c.id} ${c.name}`)
        .sort(),
    ).toEqual(before);
    // and with node 2 back the plan is empty and the run converged
    const after = await provision(withNodes, '--prune');
    expect({ code: after.code, stderr: after.stderr }).toEqual({ code: 0, stderr: '' });
    expect(after.stdout).toContain('No changes.');
    expect(writes(double.requests)).toEqual([]);
  });

  it('with every node answering, a series that is really gone is pruned', async () => {
    // delete node 2's file of one series: gone from the cluster, not hidden by a silent node
    const [gone, kept] = onNode2 as [string, string];
    fs.rmSync(path.join(storageNodes(stack)[1]!.whisperDir, ...gone.split('.')) + '.wsp');
    await expandShows(GLOB, [...onNode1, kept]);
    const run = await provision(withNodes, '--prune');
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(writes(double.requests).map((r) => r.method)).toEqual(['DELETE']);
    expect(
      double.checks
        .all()
        .map((c) => c.name)
        .sort(),
    ).toEqual([...onNode1, kept].map(checkName).sort());
  });
});
