import type { GraphiteSeries, RenderRange } from '../clients/graphite';
import { MemoryProvider } from './memory-provider';
import { seriesFromDatapoints, type DataProvider, type Series } from './series';

/** The part of GraphiteClient the providers need (a double in tests). */
export interface GraphiteRenderer {
  render(target: string | string[], range: RenderRange): Promise<GraphiteSeries[]>;
}

/**
 * Raw data from graphite-web: each fetch is a render of the plain path for exactly (from, until], which
 * graphite-web serves straight from whisper (and carbon's cache), so the evaluator sees what graphite-web's own
 * functions see.
 */
export class GraphiteProvider implements DataProvider {
  fetches = 0;

  constructor(private readonly graphite: GraphiteRenderer) {}

  async fetch(pathExpression: string, from: number, until: number): Promise<Series[]> {
    this.fetches++;
    const rendered = await this.graphite.render(pathExpression, { from: String(from), until: String(until) });
    return rendered.map((s) => ({
      ...seriesFromDatapoints(s.target, s.datapoints, Math.max(1, until - from)),
      pathExpression,
    }));
  }
}

/**
 * Fetches every path once over a wide range from graphite-web, then answers every later fetch from memory
 * with whisper's alignment (MemoryProvider). For backtests that evaluate a target many times.
 */
export async function prefetchFromGraphite(
  graphite: GraphiteRenderer,
  paths: string[],
  from: number,
  until: number,
  now?: number,
): Promise<MemoryProvider> {
  const provider = new MemoryProvider([], { now });
  const source = new GraphiteProvider(graphite);
  for (const path of new Set(paths)) {
    for (const s of await source.fetch(path, from, until)) {
      if (s.values.length > 0) provider.add({ name: s.name, start: s.start, step: s.step, values: s.values });
    }
  }
  return provider;
}
