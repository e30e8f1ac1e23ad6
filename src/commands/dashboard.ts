import fs from 'node:fs';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import type { GlobalOptions } from '../cli';
import { stableJson } from '../archive/stable-json';
import { loadCheckSpecs } from '../checks/definitions';
import { GraphiteClient } from '../clients/graphite';
import { GraphiteDashboardClient, validateDashboardName } from '../clients/graphite-dashboard';
import { buildDashboard, DEFAULT_GRAPH_SIZE, type DashboardGraph } from '../dashboard/build';
import { dashboardChecks } from '../dashboard/checks';
import { parseTimeOption } from '../dashboard/range';
import { ExitCode, HealthlakeError, InputError } from '../errors';
import { loadTemplates } from '../templates/registry';
import { withCheckSourceOptions, type CheckSourceArgs } from './check-options';
import { commandContext } from './context';

interface DashboardArgs extends CheckSourceArgs {
  name: string;
  from?: string;
  until?: string;
  width: number;
  height: number;
  png?: string;
  'dry-run': boolean;
}

export const DEFAULT_DASHBOARD_NAME = 'healthlake';

export const dashboardCommand: CommandModule<GlobalOptions, DashboardArgs> = {
  command: 'dashboard',
  describe:
    'Build a graphite-web dashboard from the check definitions (each metric in its Holt-Winters band, each ' +
    'heuristic with its thresholds) and save it, or render its graphs to PNG files',
  builder: (y: Argv<GlobalOptions>) =>
    withCheckSourceOptions(y)
      .option('name', {
        type: 'string',
        default: DEFAULT_DASHBOARD_NAME,
        describe: 'Dashboard name in graphite-web; saving again replaces it',
      })
      .option('from', {
        type: 'string',
        describe:
          'Start of every graph: a relative time (-8weeks, -30d), a date YYYY-MM-DD (00:00 UTC) or epoch seconds',
        defaultDescription: '--until minus 8 weeks (daily metrics) or 6 hours (fine metrics)',
      })
      .option('until', {
        type: 'string',
        describe: 'End of every graph, inclusive (same forms as --from)',
        defaultDescription: 'now',
      })
      .option('width', {
        type: 'number',
        default: DEFAULT_GRAPH_SIZE.width,
        describe: 'Graph width in pixels',
      })
      .option('height', {
        type: 'number',
        default: DEFAULT_GRAPH_SIZE.height,
        describe: 'Graph height in pixels',
      })
      .option('png', {
        type: 'string',
        describe:
          'Instead of saving the dashboard, render each graph through graphite-web into DIR/<graph>.png',
      })
      .option('dry-run', {
        type: 'boolean',
        default: false,
        describe: 'Print the graphs (with --json: the dashboard state); save and render nothing',
      })
      .epilog(
        'Environment: GRAPHITE_URL (graphite-web: /metrics/expand for wildcard metrics, /dashboard/save, /render), ' +
          'optional GRAPHITE_AUTH_HEADER or GRAPHITE_USER+GRAPHITE_PASSWORD. Open the result at ' +
          '$GRAPHITE_URL/dashboard/<name>.',
      ) as Argv<DashboardArgs>,
  handler: async (argv) => {
    const { config, log } = commandContext(argv);
    validateDashboardName(argv.name);
    const from = argv.from !== undefined ? parseTimeOption(argv.from, '--from') : undefined;
    const until = argv.until !== undefined ? parseTimeOption(argv.until, '--until') : undefined;
    for (const option of ['width', 'height'] as const) {
      const value = argv[option];
      if (!Number.isInteger(value) || value < 50 || value > 4000) {
        throw InputError.single(`must be a whole number of pixels from 50 to 4000, got ${value}`, {
          field: `--${option}`,
        });
      }
    }
    const templates = loadTemplates(argv.templates);
    const specs = loadCheckSpecs(argv.checks, templates, { env: argv.env, prefix: config.prefix });
    const clientOptions = { baseUrl: config.graphiteUrl, auth: config.graphiteAuth, logger: log };
    const graphite = new GraphiteClient(clientOptions);

    const { checks, unmatched } = await dashboardChecks(specs, (glob) => graphite.expand(glob));
    for (const glob of unmatched)
      log.warn({ glob }, 'dashboard: no series match this metric; it gets no graphs');
    const built = buildDashboard({
      name: argv.name,
      checks,
      holtWinters: templates.get('holtwinters'),
      from,
      until,
      size: { width: argv.width, height: argv.height },
      nowSeconds: Math.floor(Date.now() / 1000),
    });
    for (const note of built.notes) log.info(`dashboard: ${note}`);
    if (built.graphs.length === 0) {
      throw new HealthlakeError(
        `no graphs: no declared metric exists in Graphite yet (${unmatched.join(', ')})`,
        ExitCode.failure,
      );
    }
    const url = `${config.graphiteUrl.replace(/\/+$/, '')}/dashboard/${built.name}`;
    const graphs = built.graphs.map(describeGraph);

    if (argv['dry-run']) {
      if (argv.json)
        console.log(JSON.stringify({ name: built.name, dryRun: true, graphs, state: built.state }, null, 2));
      else printGraphs(`dashboard "${built.name}" (dry run, nothing sent): ${graphs.length} graphs`, graphs);
      return;
    }

    if (argv.png !== undefined) {
      const dir = argv.png;
      fs.mkdirSync(dir, { recursive: true });
      const files: Array<{ file: string; bytes: number; title: string }> = [];
      for (const graph of built.graphs) {
        const png = await graphite.renderPng(graph.targets, {
          ...graph.params,
          from: graph.range.from,
          until: graph.range.until,
          width: argv.width,
          height: argv.height,
        });
        const file = path.join(dir, `${graph.id}.png`);
        fs.writeFileSync(file, png);
        files.push({ file, bytes: png.length, title: String(graph.params.title) });
      }
      if (argv.json) console.log(JSON.stringify({ name: built.name, files }, null, 2));
      else for (const f of files) console.log(`${f.file}  (${f.bytes} bytes)  ${f.title}`);
      log.info({ files: files.length, dir }, 'dashboard: rendered every graph to PNG');
      return;
    }

    const dashboards = new GraphiteDashboardClient(clientOptions);
    const before = await dashboards.load(built.name);
    const unchanged = before !== undefined && stableJson(before) === stableJson(built.state);
    if (!unchanged) await dashboards.save(built.name, built.state);
    const action = unchanged ? 'unchanged' : before === undefined ? 'created' : 'replaced';
    if (argv.json) console.log(JSON.stringify({ name: built.name, action, url, graphs }, null, 2));
    else printGraphs(`dashboard "${built.name}" ${action}: ${graphs.length} graphs; open ${url}`, graphs);
    log.info({ name: built.name, action, graphs: graphs.length }, 'dashboard saved in graphite-web');
  },
};

interface GraphSummary {
  id: string;
  title: string;
  from: string;
  until: string;
  targets: string[];
}

function describeGraph(g: DashboardGraph): GraphSummary {
  return {
    id: g.id,
    title: String(g.params.title),
    from: g.range.from,
    until: g.range.until,
    targets: g.targets,
  };
}

function printGraphs(headline: string, graphs: GraphSummary[]) {
  console.log(headline);
  const width = Math.max(...graphs.map((g) => g.title.length));
  for (const g of graphs) console.log(`  ${g.title.padEnd(width)}  ${g.from} .. ${g.until}`);
}
