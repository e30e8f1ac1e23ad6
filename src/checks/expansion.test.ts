import { GraphiteError, type GraphiteNode } from '../clients/graphite';
import type { SeyrenCheck } from '../clients/seyren/types';
import { MANAGED_MARKER } from './desired';
import { CheckedExpansion, judgeNodeAnswers, type ExpansionFront, type ExpansionNode } from './expansion';
import { leavesWorkUndone, planChanges } from './plan';

const GLOB = 'apps.prod.server*.tx_rate';
const m = (n: number) => `apps.prod.server${n}.tx_rate`;
const branch = (id: string): GraphiteNode => ({ id, text: id, leaf: false, expandable: true });

/** A front that federates: its own storage (local=1) is empty, everything comes from `series`. */
function front(
  series: string[],
  { ownTopLevel = [] as string[] } = {},
): ExpansionFront & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    expand: async (glob: string) => {
      calls.push(`expand ${glob}`);
      return series;
    },
    find: async (query: string, options?: { local?: boolean }) => {
      calls.push(`find ${query}${options?.local ? ' local' : ''}`);
      if (query !== '*') throw new Error('unexpected find');
      const top = options?.local
        ? ownTopLevel
        : [...new Set([...ownTopLevel, ...series.map((s) => s.split('.')[0]!)])];
      return top.map(branch);
    },
  };
}

function node(url: string, answer: string[] | Error): ExpansionNode & { queries: string[] } {
  const queries: string[] = [];
  return {
    url,
    queries,
    client: {
      expand: async (query: string, options?: { local?: boolean }) => {
        queries.push(`${query}${options?.local ? ' local' : ''}`);
        if (answer instanceof Error) throw answer;
        return answer;
      },
    },
  };
}

describe('judgeNodeAnswers', () => {
  it('is complete when every node answered and the front listed all they hold', () => {
    expect(
      judgeNodeAnswers(
        [m(1), m(2), m(3)],
        [
          { url: 'http://n1', series: [m(1), m(3)] },
          { url: 'http://n2', series: [m(2)] },
        ],
      ),
    ).toBeUndefined();
  });

  it('names the node that did not answer', () => {
    expect(
      judgeNodeAnswers(
        [m(1)],
        [
          { url: 'http://n1', series: [m(1)] },
          { url: 'http://n2', error: new Error('connect ECONNREFUSED 127.0.0.1:9') },
        ],
      ),
    ).toBe('graphite-web node http://n2 did not answer (connect ECONNREFUSED 127.0.0.1:9)');
  });

  it('names series a node holds that the front did not list (it skipped that node)', () => {
    expect(
      judgeNodeAnswers(
        [m(1)],
        [
          { url: 'http://n1', series: [m(1)] },
          { url: 'http://n2', series: [m(2), m(4)] },
        ],
      ),
    ).toBe(`GRAPHITE_URL did not list 2 series node http://n2 holds (e.g. ${m(2)})`);
  });
});

describe('CheckedExpansion with the nodes declared (GRAPHITE_CLUSTER_URLS)', () => {
  it("returns the front's expansion and asks every node for the glob on its own storage", async () => {
    const n1 = node('http://n1', [m(1)]);
    const n2 = node('http://n2', [m(2)]);
    const expansion = new CheckedExpansion(front([m(1), m(2)]), [n1, n2]);
    expect(await expansion.expand(GLOB)).toEqual([m(1), m(2)]);
    expect([n1.queries, n2.queries]).toEqual([[`${GLOB} local`], [`${GLOB} local`]]);
    expect(expansion.incompleteExpansions()).toEqual([]);
  });

  it('records a partial expansion when a node is down, and still returns what the front listed', async () => {
    const down = new GraphiteError(
      'Cannot reach graphite-web at http://n2: ECONNREFUSED',
      undefined,
      '/metrics/find',
    );
    const expansion = new CheckedExpansion(front([m(1)]), [
      node('http://n1', [m(1)]),
      node('http://n2', down),
    ]);
    expect(await expansion.expand(GLOB)).toEqual([m(1)]);
    expect(expansion.incompleteExpansions()).toEqual([
      {
        glob: GLOB,
        kind: 'partial',
        reason: `graphite-web node http://n2 did not answer (${down.message})`,
      },
    ]);
  });

  it('takes a 404 as a failure: a go-carbon carbonserver has no /metrics/expand, its 404 is not "no series"', async () => {
    const notFound = new GraphiteError('Not Found', 404, '/metrics/expand');
    const expansion = new CheckedExpansion(front([m(1)]), [
      node('http://n1', [m(1)]),
      node('http://n2', notFound),
    ]);
    await expansion.expand(GLOB);
    expect(expansion.incompleteExpansions().map((e) => e.kind)).toEqual(['partial']);
  });
});

describe('CheckedExpansion without the nodes declared', () => {
  it('a graphite-web whose own storage has everything it lists is a single node: complete', async () => {
    const single = front([m(1)], { ownTopLevel: ['apps'] });
    const expansion = new CheckedExpansion(single);
    await expansion.expand(GLOB);
    await expansion.expand('apps.*.other');
    expect(expansion.incompleteExpansions()).toEqual([]);
    // the probe runs once per run, not per glob
    expect(single.calls.filter((c) => c.startsWith('find'))).toEqual(['find * local', 'find *']);
  });

  it('a front that lists what its own storage lacks federates unknown nodes: every glob is unverified', async () => {
    const expansion = new CheckedExpansion(front([m(1)]));
    await expansion.expand(GLOB);
    expect(expansion.incompleteExpansions()).toEqual([
      {
        glob: GLOB,
        kind: 'unverified',
        reason:
          'GRAPHITE_URL federates other graphite-webs (it lists apps, which its own storage lacks) and ' +
          'GRAPHITE_CLUSTER_URLS is not set, so healthlake cannot tell whether every node answered',
      },
    ]);
  });
});

describe('CheckedExpansion of a glob that matches nothing', () => {
  it('records it as empty, so that no check of it is pruned (a wrong or wiped Graphite answers the same)', async () => {
    const expansion = new CheckedExpansion(front([], { ownTopLevel: ['apps'] }));
    expect(await expansion.expand(GLOB)).toEqual([]);
    expect(expansion.incompleteExpansions()).toEqual([
      { glob: GLOB, kind: 'empty', reason: expect.stringContaining('it matches no series in Graphite') },
    ]);

    const gone = {
      id: 'c1',
      name: `healthlake:cv:${m(1)}`,
      description: `${MANAGED_MARKER} cv`,
    } as SeyrenCheck;
    const plan = planChanges([], [gone], {
      prune: true,
      incompleteExpansions: expansion.incompleteExpansions(),
    });
    expect(plan.actions).toEqual([]);
    expect(plan.withheld).toEqual([
      { name: gone.name, id: 'c1', glob: GLOB, reason: expect.stringContaining('matches no series') },
    ]);
    // --prune asked and a deletion withheld: the run says the work is not done (exit 1).
    expect(leavesWorkUndone(plan, true)).toBe(true);
  });
});
