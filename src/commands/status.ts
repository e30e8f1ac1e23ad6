import { InputError } from '../errors';
import { noiseGraphiteClient } from '../backtest/noise';
import { NAGIOS_EXIT_CODES, nagiosLine } from '../status/evaluate';
import { formatStatusText, statusToJson } from '../status/format';
import { readStatus } from '../status/read-status';
import { formatDuration } from '../time';
import { defineCommand } from '../cli/define-command';
import { loadCheckSource } from '../cli/check-folders';
import {
  alertPageSizeOption,
  checkSourceOptions,
  durationOption,
  jsonOption,
  concurrencyOption,
} from '../cli/options';

/** A check unhealthy for longer is shown "since at or before" the oldest of these alerts (2 weeks of minute runs). */
const MAX_ALERTS_PER_CHECK = 20000;

export const statusCommand = defineCommand({
  command: 'status',
  describe:
    "What is alerting now: each managed check's Seyren state, since when, its value against its thresholds, links",
  options: {
    ...checkSourceOptions,
    json: jsonOption(),
    all: {
      type: 'boolean',
      default: false,
      describe: 'Also the checks healthlake did not create (marked unmanaged)',
    },
    nagios: {
      type: 'boolean',
      default: false,
      describe:
        'Act as a Nagios plugin: one line with performance data (instead of text or --json); exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN',
    },
    'stale-after': {
      ...durationOption(
        'An enabled check Seyren has not run for this long counts as UNKNOWN (its state is not current)',
      ),
      default: '10min',
    },
    graphite: {
      type: 'boolean',
      default: true,
      describe:
        'Ask graphite-web for the current value of checks that are not WARN/ERROR (--no-graphite: values from alerts only)',
    },
    'page-size': alertPageSizeOption(
      "Alerts per Seyren request while looking back for when a check's state began",
    ),
    concurrency: concurrencyOption('Seyren and Graphite requests in flight at once'),
  },
  examples: [
    ['$0 status', 'every managed check, worst first; exit 0, 10 (WARN), 11 (ERROR) or 12 (UNKNOWN)'],
    ['$0 status --nagios', 'as a Nagios/Icinga probe'],
  ],
  epilog:
    'Exit codes: 0 every check OK; 10 a check is WARN (none ERROR); 11 a check is ERROR or EXCEPTION; 12 none ' +
    'WARN/ERROR but a check is UNKNOWN, declared but missing from Seyren, or stale; disabled checks do not ' +
    'count. 1 Seyren could not be read, 3 invalid input (with --nagios: 0/1/2/3, a failure is 3). ' +
    '--json prints {generatedAt, seyrenUrl, graphite, summary: {checks, OK, WARN, ERROR, EXCEPTION, UNKNOWN, MISSING, ' +
    'DISABLED, stale, verdict, exitCode}, checks: [{name, id, managed, env, status, state, enabled, lastCheck, ' +
    'stale, since, sinceExact, warn, error, value: {value, series, at, source, state}, series, links: {seyren, ' +
    'graph}, declared, drift, note}]} (README: "healthlake status"). Environment: SEYREN_URL, GRAPHITE_URL.',
  validate: (args) => {
    if (args.nagios && args.json)
      throw InputError.single('prints one Nagios line instead of --json: use one of them', {
        field: '--nagios',
      });
  },
  handler: async (args, ctx) => {
    const { config, log } = ctx;
    try {
      const seyrenUrl = ctx.clients.seyrenUrl();
      const { specs } = loadCheckSource(args, ctx);
      // A probe must answer quickly: Graphite gets a short timeout and no retries, and is optional.
      const graphite = noiseGraphiteClient({
        baseUrl: config.graphiteUrl,
        auth: config.graphiteAuth,
        logger: log,
      });
      const seyren = ctx.clients.seyren();
      const report = await readStatus(
        { seyren, expand: (glob) => graphite.expand(glob), graphite: args.graphite ? graphite : undefined },
        specs,
        {
          all: args.all,
          env: args.env,
          now: Date.now(),
          staleAfterMs: args['stale-after'] * 1000,
          pageSize: args['page-size'],
          maxAlertsPerCheck: MAX_ALERTS_PER_CHECK,
          concurrency: args.concurrency,
          seyrenUrl,
          graphiteUrl: config.graphiteUrl,
          logger: log,
        },
      );
      log.info(
        {
          verdict: report.summary.verdict,
          alertRequests: report.alertRequests,
          seyrenRequests: seyren.requestCount,
        },
        'status read',
      );
      if (args.nagios) {
        console.log(nagiosLine(report.summary, report.statuses));
        process.exitCode = NAGIOS_EXIT_CODES[report.summary.verdict];
        return;
      }
      if (args.json) console.log(JSON.stringify(statusToJson(report), null, 2));
      else console.log(formatStatusText(report, formatDuration(args['stale-after'])));
      process.exitCode = report.summary.exitCode;
    } catch (err) {
      if (!args.nagios) throw err;
      // A probe that cannot tell is UNKNOWN, whatever went wrong.
      log.error({ err: (err as Error).message }, 'status failed');
      console.log(`HEALTHLAKE UNKNOWN - ${(err as Error).message.split('\n')[0]}`);
      process.exitCode = NAGIOS_EXIT_CODES.UNKNOWN;
    }
  },
});
