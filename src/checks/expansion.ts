import type { GraphiteClient } from '../clients/graphite';
import type { Logger } from '../util/log';

/**
 * Glob expansion that knows when its answer may be incomplete.
 *
 * A front graphite-web federating several nodes (CLUSTER_SERVERS) answers /metrics/expand with whatever the
 * nodes that answered hold: with graphite-web's default STORE_FAIL_ON_ERROR = False a node that is down, slower
 * than FIND_TIMEOUT, or skipped for REMOTE_RETRY_DELAY after a failure simply contributes nothing, with HTTP 200.
 * A glob then "loses" the series of that node, and pruning the checks of the series it no longer lists would
 * delete good checks. So every expansion is judged:
 * - with the node graphite-webs declared (GRAPHITE_CLUSTER_URLS), each node is asked for the glob itself
 *   (/metrics/expand, local=1: its own storage); a node that does not answer, or series a node holds that the
 *   front did not list, make the expansion `partial`;
 * - without them, one probe asks whether GRAPHITE_URL federates at all: its `*` with local=1 (its own storage)
 *   against without. A front that lists names its own storage lacks federates nodes healthlake does not know,
 *   so every expansion is `unverified`. (A web that both stores and federates the same top-level names cannot
 *   be told from a single node this way: declare its nodes.)
 * The expansion itself always comes from GRAPHITE_URL, as Seyren's renders will.
 */

export interface IncompleteExpansion {
  glob: string;
  /**
   * partial: a node did not answer or the front missed its series; unverified: nodes unknown; empty: the glob
   * matched nothing at all, which a wrong GRAPHITE_URL or a new or wiped Graphite answers just as a glob whose
   * series are really gone does.
   */
  kind: 'partial' | 'unverified' | 'empty';
  reason: string;
}

export type ExpansionFront = Pick<GraphiteClient, 'expand' | 'find'>;
export interface ExpansionNode {
  url: string;
  client: Pick<GraphiteClient, 'expand'>;
}

/** What one node answered for a glob: its leaf series, or the error. */
export type NodeAnswer = { url: string; series: string[] } | { url: string; error: Error };

/** Why a front's expansion is incomplete given every node's own answer, or undefined when it is complete. */
export function judgeNodeAnswers(
  frontSeries: readonly string[],
  answers: readonly NodeAnswer[],
): string | undefined {
  const failed = answers.filter((a): a is { url: string; error: Error } => 'error' in a);
  if (failed.length > 0) {
    return failed.map((f) => `graphite-web node ${f.url} did not answer (${f.error.message})`).join('; ');
  }
  const listed = new Set(frontSeries);
  const missed: string[] = [];
  for (const a of answers as Array<{ url: string; series: string[] }>) {
    const lost = a.series.filter((s) => !listed.has(s));
    if (lost.length > 0) missed.push(`${lost.length} series node ${a.url} holds (e.g. ${lost[0]})`);
  }
  if (missed.length > 0) return `GRAPHITE_URL did not list ${missed.join(' and ')}`;
  return undefined;
}

export class CheckedExpansion {
  private readonly incomplete = new Map<string, IncompleteExpansion>();
  private federation?: Promise<string | undefined>;

  constructor(
    private readonly front: ExpansionFront,
    private readonly nodes: readonly ExpansionNode[] = [],
    private readonly logger?: Logger,
  ) {}

  /** The front's expansion of `glob`; its completeness is recorded for `incompleteExpansions()`. */
  readonly expand = async (glob: string): Promise<string[]> => {
    let series: string[];
    let problem: Omit<IncompleteExpansion, 'glob'> | undefined;
    if (this.nodes.length > 0) {
      // Nodes first: a series created in between is then in the front's answer, not a false "missed".
      const answers = await Promise.all(this.nodes.map((n) => askNode(n, glob)));
      series = await this.front.expand(glob);
      const reason = judgeNodeAnswers(series, answers);
      if (reason) problem = { kind: 'partial', reason };
    } else {
      let reason: string | undefined;
      [series, reason] = await Promise.all([
        this.front.expand(glob),
        (this.federation ??= this.probeFederation()),
      ]);
      if (reason) problem = { kind: 'unverified', reason };
    }
    if (!problem && series.length === 0) {
      // Not logged here: provision-checks already warns that the glob matches no series.
      this.incomplete.set(glob, { glob, kind: 'empty', reason: EMPTY_REASON });
      return series;
    }
    if (problem) {
      // The federation probe's reason is the same for every glob: say it once.
      const said =
        problem.kind === 'unverified' && this.incompleteExpansions().some((e) => e.kind === 'unverified');
      this.incomplete.set(glob, { glob, ...problem });
      if (!said) this.logger?.warn({ glob, ...problem }, 'the expansion of a glob may be incomplete');
    }
    return series;
  };

  incompleteExpansions(): IncompleteExpansion[] {
    return [...this.incomplete.values()];
  }

  private async probeFederation(): Promise<string | undefined> {
    try {
      const [own, all] = await Promise.all([this.front.find('*', { local: true }), this.front.find('*')]);
      const ownIds = new Set(own.map((n) => n.id));
      const foreign = all.filter((n) => !ownIds.has(n.id));
      if (foreign.length === 0) return undefined;
      return (
        `GRAPHITE_URL federates other graphite-webs (it lists ${foreign[0]!.id}, which its own storage lacks) ` +
        'and GRAPHITE_CLUSTER_URLS is not set, so healthlake cannot tell whether every node answered'
      );
    } catch (err) {
      return `could not ask GRAPHITE_URL whether it federates other graphite-webs (${(err as Error).message})`;
    }
  }
}

const EMPTY_REASON =
  'it matches no series in Graphite (is GRAPHITE_URL the Graphite the checks read?); a glob that matches ' +
  'nothing deletes none of its checks: remove it from the definitions to delete them';

/**
 * A node's own leaf series for the glob. Any failure counts, a 404 too: go-carbon's carbonserver has no
 * /metrics/expand, and taking its 404 for "no series" would make a partial answer look complete.
 */
async function askNode(node: ExpansionNode, glob: string): Promise<NodeAnswer> {
  try {
    return { url: node.url, series: await node.client.expand(glob, { local: true }) };
  } catch (err) {
    return { url: node.url, error: err as Error };
  }
}
