import type { Argv, CommandModule } from 'yargs';
import type { GlobalOptions } from '../cli';
import { GraphiteClient } from '../clients/graphite';
import { loadCheckSpecs, type CheckSpec } from '../checks/definitions';
import { desiredChecks, toDesiredCheck, checkName, type DesiredCheck } from '../checks/desired';
import { describeDirection } from '../checks/lint';
import { hasWildcards } from '../checks/metric-name';
import { renderTarget } from '../templates/template';
import { loadTemplates } from '../templates/registry';
import { redactSubscription } from '../checks/redact';
import { withCheckSourceOptions, type CheckSourceArgs } from './check-options';
import { commandContext } from './context';

interface RenderArgs extends CheckSourceArgs {
  expand: boolean;
}

export const renderChecksCommand: CommandModule<GlobalOptions, RenderArgs> = {
  command: 'render-checks',
  describe: 'Validate the check definitions and print each check: name, Graphite target, range, thresholds',
  builder: (y: Argv<GlobalOptions>) =>
    withCheckSourceOptions(y).option('expand', {
      type: 'boolean',
      default: false,
      describe: 'Expand wildcard metrics through Graphite (GRAPHITE_URL) into one check per series',
    }) as Argv<RenderArgs>,
  handler: async (argv) => {
    const { config, log } = commandContext(argv);
    const templates = loadTemplates(argv.templates);
    const specs = loadCheckSpecs(argv.checks, templates, { env: argv.env, prefix: config.prefix });
    let rows: RenderedRow[];
    if (argv.expand) {
      const graphite = new GraphiteClient({
        baseUrl: config.graphiteUrl,
        auth: config.graphiteAuth,
        logger: log,
      });
      rows = (await desiredChecks(specs, (glob) => graphite.expand(glob))).map(fromDesired);
    } else {
      rows = specs.map((s) => (hasWildcards(s.metric) ? fromGlobSpec(s) : fromDesired(toDesiredCheck(s))));
    }
    if (argv.json) console.log(JSON.stringify(rows, null, 2));
    else for (const r of rows) printRow(r);
    log.info(
      { checks: rows.length, files: new Set(specs.map((s) => s.file)).size },
      'render-checks: definitions are valid',
    );
  },
};

interface RenderedRow {
  name: string;
  target: string;
  from: string;
  until: string;
  warn: number;
  error: number;
  direction: string;
  enabled: boolean;
  allowNoData: boolean;
  subscriptions: ReturnType<typeof redactSubscription>[];
  source: string;
  /** Set when the metric is a glob that provision-checks expands into one check per series. */
  glob?: boolean;
}

function fromDesired(c: DesiredCheck): RenderedRow {
  return {
    name: c.name,
    target: c.target,
    from: c.from,
    until: c.until,
    warn: c.warn,
    error: c.error,
    direction: describeDirection(c.warn, c.error),
    enabled: c.enabled,
    allowNoData: c.allowNoData,
    subscriptions: c.subscriptions.map(redactSubscription),
    source: `${c.source.file}:${c.source.line ?? '?'}`,
  };
}

function fromGlobSpec(s: CheckSpec): RenderedRow {
  return {
    name: checkName(s.heuristic, s.metric),
    target: renderTarget(s.template, { ...s.vars, metric: s.metric }, s.resolution),
    from: s.from,
    until: s.until,
    warn: s.warn,
    error: s.error,
    direction: describeDirection(s.warn, s.error),
    enabled: s.enabled,
    allowNoData: s.allowNoData,
    subscriptions: s.subscriptions.map(redactSubscription),
    source: `${s.file}:${s.line ?? '?'}`,
    glob: true,
  };
}

function printRow(r: RenderedRow) {
  console.log(`${r.name}${r.glob ? '   (glob: one check per matching series; see --expand)' : ''}`);
  console.log(`  target  ${r.target}`);
  console.log(`  range   ${r.from} .. ${r.until}`);
  console.log(`  alert   ${r.direction}${r.enabled ? '' : ' (disabled)'}`);
  if (r.subscriptions.length > 0) {
    console.log(
      `  notify  ${r.subscriptions.map((s) => `${s.type} ${s.target} ${s.days} ${s.fromTime}-${s.toTime}`).join('; ')}`,
    );
  }
  console.log(`  from    ${r.source}\n`);
}
