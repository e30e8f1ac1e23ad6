import type { CheckSpec } from '../checks/definitions';
import { directionOf } from '../checks/lint';
import {
  renderTarget,
  resolveVars,
  type Resolution,
  type Template,
  type TemplateVars,
} from '../templates/template';
import { epochOf, formatDuration, parseDurationParameter, type TimePoint } from '../time';
import { resolveRange, type GraphRange } from './range';
import { dashboardState, type DashboardState, type GraphParams, type GraphSpec } from './state';

/**
 * Check definitions → a graphite-web dashboard, pure. Per metric: the metric between its
 * holtWintersConfidenceBands (the parameters of the metric's holtwinters check, or the holtwinters template's
 * defaults for its resolution). Per heuristic: the check's own target with its warn and error thresholds as
 * constantLines. Every series is named with alias() and coloured with color() inside the target, so the
 * dashboard, a PNG and a colleague's copy of a URL all read the same.
 */

/** One check of one concrete series: a spec and the metric its glob expanded to. */
export interface DashboardCheck {
  spec: CheckSpec;
  metric: string;
}

export interface DashboardGraph extends GraphSpec {
  /** A file-name stem, unique in the dashboard: `health.steps`, `health.steps--cv`. */
  id: string;
  metric: string;
  /** Unset for the metric's own graph (value and Holt-Winters band). */
  heuristic?: string;
  resolution: Resolution;
  range: GraphRange;
}

export interface BuildOptions {
  name: string;
  checks: readonly DashboardCheck[];
  /** The holtwinters template: the band of a metric without a holtwinters check uses its defaults. */
  holtWinters?: Template;
  from?: TimePoint;
  until?: TimePoint;
  size?: { width: number; height: number };
  nowSeconds: number;
}

export interface BuiltDashboard {
  name: string;
  graphs: DashboardGraph[];
  state: DashboardState;
  /** Adjustments worth telling the user (e.g. a shortened Holt-Winters bootstrap). */
  notes: string[];
}

export const DEFAULT_GRAPH_SIZE = { width: 800, height: 400 };

/** Colours (graphite-web takes names or 6-digit hex without `#`) on a white background. */
export const COLORS = {
  value: '1f5fbf',
  band: '8c8c8c',
  warn: 'orange',
  error: 'red',
} as const;

const COMMON_PARAMS: GraphParams = {
  bgcolor: 'ffffff',
  fgcolor: '000000',
  majorGridLineColor: 'c8c8c8',
  minorGridLineColor: 'ececec',
};

/** The shipped holtwinters template's parameters, for a templates folder without one. */
const FALLBACK_BAND: Readonly<Record<Resolution, TemplateVars>> = {
  daily: { delta: 3, bootstrap: '84d', seasonality: '7d' },
  fine: { delta: 3, bootstrap: '23h', seasonality: '1h' },
};

/** Fine metrics are stored 10s:1d,1m:30d; a fetch reaching further back is served at 60 s. */
const FINE_ARCHIVE_SECONDS = 86400;
/** graphite-web computes the fetch start a moment before whisper checks it against its own clock. */
const FINE_ARCHIVE_MARGIN_SECONDS = 600;

export function buildDashboard(options: BuildOptions): BuiltDashboard {
  const { nowSeconds } = options;
  const notes: string[] = [];
  const byMetric = new Map<string, DashboardCheck[]>();
  // Daily (health) metrics first, each group in declaration order; the toolbar shows the first graph's range.
  const ordered = [...options.checks].sort(
    (a, b) => Number(a.spec.resolution !== 'daily') - Number(b.spec.resolution !== 'daily'),
  );
  for (const check of ordered) {
    const list = byMetric.get(check.metric) ?? [];
    list.push(check);
    byMetric.set(check.metric, list);
  }
  const ranges = new Map<Resolution, GraphRange>();
  const rangeOf = (resolution: Resolution) => {
    if (!ranges.has(resolution))
      ranges.set(
        resolution,
        resolveRange(resolution, { from: options.from, until: options.until }, nowSeconds),
      );
    return ranges.get(resolution) as GraphRange;
  };

  const graphs: DashboardGraph[] = [];
  for (const [metric, checks] of byMetric) {
    const resolution = checks[0]!.spec.resolution;
    const range = rangeOf(resolution);
    const fit = (bootstrap: string) => fitBootstrap(bootstrap, resolution, range, nowSeconds, metric, notes);

    const hwCheck = checks.find((c) => c.spec.heuristic === 'holtwinters');
    const band = {
      ...FALLBACK_BAND[resolution],
      ...pick(
        hwCheck
          ? resolveVars(hwCheck.spec.template, hwCheck.spec.vars, resolution)
          : (options.holtWinters?.defaults[resolution] ?? {}),
        ['delta', 'bootstrap', 'seasonality'],
      ),
    };
    const bootstrap = fit(String(band.bootstrap));
    const bandTarget = `holtWintersConfidenceBands(${metric},${band.delta},'${bootstrap}','${band.seasonality}')`;
    graphs.push({
      id: fileStem(metric),
      metric,
      resolution,
      range,
      targets: [
        named(
          `dashed(${bandTarget})`,
          COLORS.band,
          `Holt-Winters band: delta ${band.delta}, season ${band.seasonality}`,
        ),
        named(`lineWidth(${metric},2)`, COLORS.value, metric),
      ],
      params: { ...COMMON_PARAMS, title: metric, from: range.from, until: range.until, uniqueLegend: 'true' },
    });

    for (const { spec } of checks) {
      const vars = resolveVars(spec.template, spec.vars, resolution);
      const overrides: TemplateVars = {};
      if (vars.bootstrap !== undefined && vars.bootstrap !== '') {
        const fitted = fit(String(vars.bootstrap));
        if (fitted !== String(vars.bootstrap)) overrides.bootstrap = fitted;
      }
      const target = renderTarget(spec.template, { ...spec.vars, ...overrides, metric }, resolution);
      const cmp = directionOf(spec.warn, spec.error) === 'high-is-bad' ? '>=' : '<=';
      graphs.push({
        id: fileStem(`${metric}--${spec.heuristic}`),
        metric,
        heuristic: spec.heuristic,
        resolution,
        range,
        targets: [
          named(`lineWidth(${target},2)`, COLORS.value, spec.heuristic),
          named(`dashed(constantLine(${spec.warn}))`, COLORS.warn, `warn ${cmp} ${spec.warn}`),
          named(`dashed(constantLine(${spec.error}))`, COLORS.error, `error ${cmp} ${spec.error}`),
        ],
        params: {
          ...COMMON_PARAMS,
          title: `${metric}: ${spec.heuristic}`,
          from: range.from,
          until: range.until,
        },
      });
    }
  }

  const toolbarRange = graphs[0]?.range ?? rangeOf('daily');
  const size = options.size ?? DEFAULT_GRAPH_SIZE;
  return {
    name: options.name,
    graphs,
    state: dashboardState(options.name, graphs, toolbarRange, size),
    notes,
  };
}

/** `alias(color(X,'c'),'name')`: the legend name and colour travel with the target. */
function named(target: string, color: string, alias: string): string {
  return `alias(color(${target},'${color}'),'${alias.replace(/['\\]/g, '')}')`;
}

function pick(vars: TemplateVars, keys: string[]): TemplateVars {
  return Object.fromEntries(
    keys.filter((k) => vars[k] !== undefined && vars[k] !== '').map((k) => [k, vars[k]!]),
  );
}

function fileStem(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, '_');
}

/**
 * Holt-Winters fetches `bootstrap` before `from`. On fine metrics the whole fetch must stay in the 10s:1d
 * archive, or the bands come back at 60 s: coarse bands, and holtWintersAberration fails with HTTP 500
 * (graphite-web issue #1865). The checks' 15-minute range leaves room for a 23h bootstrap; a 6-hour graph
 * does not, so the bootstrap is shortened to whole hours that fit. Daily metrics are left alone.
 */
function fitBootstrap(
  bootstrap: string,
  resolution: Resolution,
  range: GraphRange,
  nowSeconds: number,
  metric: string,
  notes: string[],
): string {
  if (resolution !== 'fine') return bootstrap;
  let seconds: number;
  try {
    seconds = parseDurationParameter(bootstrap);
  } catch {
    return bootstrap; // lint has already reported it
  }
  const reach = nowSeconds - epochOf(range.fromSpec, nowSeconds);
  const room = FINE_ARCHIVE_SECONDS - FINE_ARCHIVE_MARGIN_SECONDS - reach;
  if (seconds <= room) return bootstrap;
  if (room < 3600) {
    const note = `${metric}: the range reaches too far back for Holt-Winters on a 10s:1d archive; use a shorter --from`;
    if (!notes.includes(note)) notes.push(note);
    return bootstrap;
  }
  const fitted = formatDuration(Math.floor(room / 3600) * 3600);
  const note = `${metric}: Holt-Winters bootstrap ${bootstrap} shortened to ${fitted} so that it and the range fit in the 10s:1d archive`;
  if (!notes.includes(note)) notes.push(note);
  return fitted;
}
