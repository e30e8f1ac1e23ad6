import fs from 'node:fs';
import path from 'node:path';
import { stableJson } from '../archive/stable-json';
import { validateDashboardName } from '../clients/graphite-dashboard';
import { buildDashboard, DEFAULT_GRAPH_SIZE, type DashboardGraph } from '../dashboard/build';
import { dashboardChecks } from '../dashboard/checks';
import { ExitCode, HealthlakeError } from '../errors';
import { formatTime, type TimePoint } from '../time';
import { defineCommand } from '../cli/define-command';
import { loadCheckSource } from '../cli/check-folders';
import { checkSourceOptions, dryRunOption, jsonOption, pixelsOption, timePointOption } from '../cli/options';

export const DEFAULT_DASHBOARD_NAME = 'healthlake';

export const dashboardCommand = defineCommand({
  command: 'dashboard',
  describe:
    'Build a graphite-web dashboard from the check definitions (each metric in its Holt-Winters band, each ' +
    'heuristic with its thresholds) and save it, or render its graphs to PNG files',
  options: {
    ...checkSourceOptions,
    json: jsonOption(),
    name: {
      type: 'string',
      requiresArg: true,
      default: DEFAULT_DASHBOARD_NAME,
      describe: 'Dashboard name in graphite-web; saving again replaces it',
    },
    from: {
      ...timePointOption(
        'Start of every graph: a relative time (-8weeks, -30d), a date YYYY-MM-DD (00:00 UTC) or epoch seconds',
      ),
      defaultDescription: '--until minus 8 weeks (daily metrics) or 6 hours (fine metrics)',
    },
    until: {
      ...timePointOption('End of every graph, inclusive (same forms as --from)'),
      defaultDescription: 'now',
    },
    width: { ...pixelsOption('Graph width in pixels'), default: DEFAULT_GRAPH_SIZE.width },
    height: { ...pixelsOption('Graph height in pixels'), default: DEFAULT_GRAPH_SIZE.height },
    png: {
      type: 'string',
      requiresArg: true,
      describe:
        'Instead of saving the dashboard, render each graph through graphite-web into DIR/<graph>.png',
    },
    'dry-run': dryRunOption('Print the graphs (with --json: the dashboard state); save and render nothing'),
  },
  examples: [
    ['$0 dashboard', 'save the dashboard "healthlake" (daily metrics over the last 8 weeks)'],
    ['$0 dashboard --from -12weeks --until -1d', 'twelve weeks up to yesterday'],
    ['$0 dashboard --png reports/ --until 2026-11-15', 'one PNG per graph, rendered by graphite-web'],
  ],
  epilog:
    'Environment: GRAPHITE_URL (graphite-web: /metrics/expand for wildcard metrics, /dashboard/save, /render), ' +
    'optional GRAPHITE_AUTH_HEADER or GRAPHITE_USER+GRAPHITE_PASSWORD. Open the result at ' +
    '$GRAPHITE_URL/dashboard/<name>.',
  validate: (args) => validateDashboardName(args.name),
  handler: async (args, ctx) => {
    const { config, log } = ctx;
    const { specs, templates } = loadCheckSource(args, ctx);
    const graphite = ctx.clients.graphite();

    const { checks, unmatched } = await dashboardChecks(specs, (glob) => graphite.expand(glob));
    for (const glob of unmatched)
      log.warn({ glob }, 'dashboard: no series match this metric; it gets no graphs');
    const built = buildDashboard({
      name: args.name,
      checks,
      holtWinters: templates.get('holtwinters'),
      from: args.from,
      until: args.until,
      size: { width: args.width, height: args.height },
      nowSeconds: Math.floor(Date.now() / 1000),
    });
    for (const note of built.notes) log.info(`dashboard: ${note}`);
    if (built.graphs.length === 0) {
      throw new HealthlakeError(
        `no graphs: no declared metric exists in Graphite yet (${unmatched.join(', ')})`,
        ExitCode.failure,
      );
    }
    const url = `${config.graphiteUrl}/dashboard/${built.name}`; // the url setting has no trailing slash
    const graphs = built.graphs.map(describeGraph);

    if (args['dry-run']) {
      if (args.json)
        console.log(JSON.stringify({ name: built.name, dryRun: true, graphs, state: built.state }, null, 2));
      else printGraphs(`dashboard "${built.name}" (dry run, nothing sent): ${graphs.length} graphs`, graphs);
      return;
    }

    if (args.png !== undefined) {
      const dir = args.png;
      fs.mkdirSync(dir, { recursive: true });
      const files: Array<{ file: string; bytes: number; title: string }> = [];
      for (const graph of built.graphs) {
        const png = await graphite.renderPng(graph.targets, {
          ...graph.params,
          from: graph.range.from,
          until: graph.range.until,
          width: args.width,
          height: args.height,
        });
        const file = path.join(dir, `${graph.id}.png`);
        fs.writeFileSync(file, png);
        files.push({ file, bytes: png.length, title: String(graph.params.title) });
      }
      if (args.json) console.log(JSON.stringify({ name: built.name, files }, null, 2));
      else for (const f of files) console.log(`${f.file}  (${f.bytes} bytes)  ${f.title}`);
      log.info({ files: files.length, dir }, 'dashboard: rendered every graph to PNG');
      return;
    }

    const dashboards = ctx.clients.graphiteDashboards();
    const before = await dashboards.load(built.name);
    const unchanged = before !== undefined && stableJson(before) === stableJson(built.state);
    if (!unchanged) await dashboards.save(built.name, built.state);
    const action = unchanged ? 'unchanged' : before === undefined ? 'created' : 'replaced';
    log.info({ name: built.name, action, graphs: graphs.length }, 'dashboard saved in graphite-web');
    if (args.json) console.log(JSON.stringify({ name: built.name, action, url, graphs }, null, 2));
    else printGraphs(`dashboard "${built.name}" ${action}: ${graphs.length} graphs; open ${url}`, graphs);
  },
});

interface GraphSummary {
  id: string;
  title: string;
  /** As graphite-web reads it: `-8weeks`, `now` or epoch seconds. */
  from: string;
  until: string;
  /** For people: `-8weeks` stays, epoch seconds become a date. */
  range: string;
  targets: string[];
}

function describeGraph(g: DashboardGraph): GraphSummary {
  const human = (graphite: string, point: TimePoint) =>
    point.kind === 'absolute' ? formatTime(point.epoch) : graphite;
  return {
    id: g.id,
    title: String(g.params.title),
    from: g.range.from,
    until: g.range.until,
    range: `${human(g.range.from, g.range.fromSpec)} .. ${human(g.range.until, g.range.untilSpec)}`,
    targets: g.targets,
  };
}

/** The graphs, then the headline: on a terminal the last line says what happened (and where to look). */
function printGraphs(headline: string, graphs: GraphSummary[]) {
  const width = Math.max(...graphs.map((g) => g.title.length));
  for (const g of graphs) console.log(`  ${g.title.padEnd(width)}  ${g.range}`);
  console.log(headline);
}
