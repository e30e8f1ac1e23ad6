import { relativeParts, type GraphRange } from './range';

/**
 * graphite-web 1.1.8's dashboard state, the JSON its dashboard UI (static/js/dashboard.js) saves through
 * `/dashboard/save/<name>` and reads back in `applyState()`:
 * - `graphs` holds `[targetString, params, imageUrl]`; applyState takes the params (`target` list, `title`,
 *   `from`, …) and rebuilds the image URL from defaultGraphParams, then graphSize, then the params, so a graph's
 *   own `from`/`until` win over the dashboard's;
 * - `timeConfig` is the toolbar's range (relative "past 8 weeks" or absolute dates), `refreshConfig` the
 *   auto-refresh button, `graphSize` the width and height of every graph.
 */

/** Render parameters of one graph besides its targets (`title`, `from`, `until`, colours, …). */
export type GraphParams = Record<string, string | number>;

/** The params of a saved graph: its render parameters plus the `target` list. */
export type SavedGraphParams = { target: string[] } & Record<string, string | number | string[]>;

export type DashboardGraphEntry = [string, SavedGraphParams, string];

export interface TimeConfig {
  type: 'relative' | 'absolute';
  relativeStartQuantity: string;
  relativeStartUnits: string;
  relativeUntilQuantity: string;
  relativeUntilUnits: string;
  startDate: string;
  startTime: string;
  endDate: string;
  endTime: string;
}

export interface DashboardState {
  name: string;
  timeConfig: TimeConfig;
  refreshConfig: { enabled: boolean; interval: number };
  graphSize: { width: number; height: number };
  defaultGraphParams: { from: string; until: string; width: number; height: number };
  graphs: DashboardGraphEntry[];
}

/** What a dashboard shows: graphs of targets with their render parameters. */
export interface GraphSpec {
  targets: string[];
  params: GraphParams;
}

/** As the UI's Ext.urlEncode writes it: `k=v&k=v`, with repeated keys for lists. */
export function urlEncode(params: Record<string, string | number | readonly string[]>): string {
  return Object.entries(params)
    .flatMap(([key, value]) =>
      (Array.isArray(value) ? value : [value]).map(
        (v: string | number) => `${encodeURIComponent(key)}=${encodeURIComponent(String(v))}`,
      ),
    )
    .join('&');
}

// Absolute ranges carry epochs in the graph params; these fields only pre-fill the UI's date dialog. A fixed
// value for relative ranges keeps the state identical from run to run.
const UNUSED_DATE = '1970-01-01T00:00:00Z';

function dialogTime(epoch: number): string {
  const d = new Date(epoch * 1000);
  const h = d.getUTCHours();
  return `${h % 12 === 0 ? 12 : h % 12}:${String(d.getUTCMinutes()).padStart(2, '0')} ${h < 12 ? 'AM' : 'PM'}`;
}

export function timeConfig(range: GraphRange): TimeConfig {
  const { fromSpec, untilSpec } = range;
  if (fromSpec.kind === 'absolute' || untilSpec.kind === 'absolute') {
    const epoch = (s: typeof fromSpec) => (s.kind === 'absolute' ? s.epoch : 0);
    return {
      type: 'absolute',
      relativeStartQuantity: '',
      relativeStartUnits: '',
      relativeUntilQuantity: '',
      relativeUntilUnits: 'now',
      startDate: new Date(epoch(fromSpec) * 1000).toISOString(),
      startTime: dialogTime(epoch(fromSpec)),
      endDate: new Date(epoch(untilSpec) * 1000).toISOString(),
      endTime: dialogTime(epoch(untilSpec)),
    };
  }
  const start = relativeParts(fromSpec.kind === 'relative' ? fromSpec.seconds : 0);
  const until = untilSpec.kind === 'relative' ? relativeParts(untilSpec.seconds) : undefined;
  return {
    type: 'relative',
    relativeStartQuantity: String(start.quantity),
    relativeStartUnits: start.units,
    relativeUntilQuantity: until ? String(until.quantity) : '',
    relativeUntilUnits: until ? until.units : 'now',
    startDate: UNUSED_DATE,
    startTime: '9:00 AM',
    endDate: UNUSED_DATE,
    endTime: '5:00 PM',
  };
}

/**
 * The state graphite-web's dashboard UI loads: `range` is the toolbar's (each graph keeps its own in its
 * params), `size` applies to every graph.
 */
export function dashboardState(
  name: string,
  graphs: readonly GraphSpec[],
  range: GraphRange,
  size: { width: number; height: number },
): DashboardState {
  const defaultGraphParams = { from: range.from, until: range.until, ...size };
  return {
    name,
    timeConfig: timeConfig(range),
    refreshConfig: { enabled: false, interval: 60000 },
    graphSize: { ...size },
    defaultGraphParams,
    graphs: graphs.map((g) => {
      const params: SavedGraphParams = { ...g.params, target: [...g.targets] };
      const image = `/render?${urlEncode({ ...defaultGraphParams, ...params })}`;
      return [urlEncode({ target: g.targets }), params, image];
    }),
  };
}

/** The targets of every graph of a loaded state, in order (empty for anything that is not a state). */
export function stateTargets(state: unknown): string[][] {
  const graphs = (state as { graphs?: unknown } | null)?.graphs;
  if (!Array.isArray(graphs)) return [];
  return graphs.map((g) => {
    const target = (Array.isArray(g) ? (g[1] as { target?: unknown } | undefined)?.target : undefined) ?? [];
    return (Array.isArray(target) ? target : [target]).map(String);
  });
}
