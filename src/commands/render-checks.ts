import { desiredChecks, toDesiredCheck, checkName, type DesiredCheck } from '../checks/desired';
import type { CheckSpec } from '../checks/definitions';
import { describeDirection } from '../checks/lint';
import { hasWildcards } from '../checks/metric-name';
import { metricsWithoutSeries, noSeriesMessage, unmatchedGlobMessage } from '../checks/series-presence';
import { renderTarget } from '../templates/template';
import { redactSubscription } from '../checks/redact';
import { defineCommand } from '../cli/define-command';
import { loadCheckSource } from '../cli/check-folders';
import { checkSourceOptions, jsonOption } from '../cli/options';

export const renderChecksCommand = defineCommand({
  command: 'render-checks',
  describe: 'Validate the check definitions and print each check: name, Graphite target, range, thresholds',
  options: {
    ...checkSourceOptions,
    json: jsonOption(),
    expand: {
      type: 'boolean',
      default: false,
      describe: 'Expand wildcard metrics through Graphite (GRAPHITE_URL) into one check per series',
    },
  },
  examples: [
    ['$0 render-checks', 'validate ./checks (or the bundled examples) and print every check'],
    ['$0 render-checks --env prod --expand', 'the prod checks, one per series Graphite has'],
  ],
  handler: async (args, ctx) => {
    const { specs } = loadCheckSource(args, ctx);
    let rows: RenderedRow[];
    if (args.expand) {
      const graphite = ctx.clients.graphite();
      const checks = await desiredChecks(specs, (glob) => graphite.expand(glob), {
        onUnmatched: (spec) => ctx.log.warn({ glob: spec.metric }, unmatchedGlobMessage(spec)),
      });
      const missing = await metricsWithoutSeries(checks, (m) => graphite.expand(m));
      rows = checks.map((c) => ({ ...fromDesired(c), series: !missing.has(c.source.metric) }));
      for (const metric of missing) ctx.log.warn({ metric }, noSeriesMessage(metric));
    } else {
      rows = specs.map((s) => (hasWildcards(s.metric) ? fromGlobSpec(s) : fromDesired(toDesiredCheck(s))));
    }
    if (args.json) console.log(JSON.stringify(rows, null, 2));
    else for (const r of rows) printRow(r);
    ctx.log.info(
      { checks: rows.length, files: new Set(specs.map((s) => s.file)).size },
      'render-checks: definitions are valid',
    );
  },
});

interface RenderedRow {
  name: string;
  metric: string;
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
  /** With --expand: whether Graphite has any series for the check's metric. */
  series?: boolean;
}

function fromDesired(c: DesiredCheck): RenderedRow {
  return {
    name: c.name,
    metric: c.source.metric,
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
    metric: s.metric,
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
  if (r.series === false) console.log(`  data    ${noSeriesMessage(r.metric)}`);
  if (r.subscriptions.length > 0) {
    console.log(
      `  notify  ${r.subscriptions.map((s) => `${s.type} ${s.target} ${s.days} ${s.fromTime}-${s.toTime}`).join('; ')}`,
    );
  }
  console.log(`  from    ${r.source}\n`);
}
