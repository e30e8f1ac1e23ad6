import type { Argv, CommandModule } from 'yargs';
import type { GlobalOptions } from '../cli';
import { readAlertHistory, selectChecks, type AlertSelection } from '../alerts/history';
import {
  applyPrune,
  assertManaged,
  formatPrunePlan,
  formatPruneResult,
  planPrune,
  prunePlanToJson,
} from '../alerts/prune';
import { alertHistoryToJson, formatAlertHistoryText } from '../alerts/report';
import { SeyrenClient } from '../clients/seyren/client';
import { ExitCode } from '../errors';
import { parseSince, parseTimePoint } from '../util/time-point';
import { commandContext, requireSeyrenUrl } from './context';

interface AlertsArgs extends GlobalOptions {
  since: string;
  check?: string;
  metric?: string;
  all: boolean;
  env?: string;
  json: boolean;
  'page-size': number;
  concurrency: number;
  'prune-before'?: string;
  'dry-run': boolean;
  'detailed-exitcode': boolean;
}

export const alertsCommand: CommandModule<GlobalOptions, AlertsArgs> = {
  command: 'alerts',
  describe:
    'What fired: Seyren alert history as episodes (unhealthy until OK again); --prune-before deletes old alerts',
  builder: (y: Argv<GlobalOptions>) =>
    y
      .option('since', {
        type: 'string',
        default: '7d',
        describe:
          'Start of the history: a length of time back (7d, 12h) or a time (2026-11-01, -2w, epoch s)',
      })
      .option('check', { type: 'string', conflicts: 'metric', describe: 'Only this check (its exact name)' })
      .option('metric', {
        type: 'string',
        describe: 'Only the managed checks of this metric (healthlake:<heuristic>:<metric>)',
      })
      .option('all', {
        type: 'boolean',
        default: false,
        describe: 'Also checks healthlake did not create (never with --prune-before)',
      })
      .option('env', { type: 'string', describe: 'Only managed checks of this environment' })
      .option('json', { type: 'boolean', default: false, describe: 'Print JSON on stdout' })
      .option('page-size', { type: 'number', default: 500, describe: 'Alerts per Seyren request' })
      .option('concurrency', { type: 'number', default: 8, describe: 'Seyren requests in flight at once' })
      .option('prune-before', {
        type: 'string',
        describe:
          'Delete the alerts recorded before this time (2026-10-01, --prune-before=-90d, epoch s) of managed checks: a plan, then the deletes',
      })
      .option('dry-run', {
        type: 'boolean',
        default: false,
        describe: 'With --prune-before: show the plan and delete nothing',
      })
      .option('detailed-exitcode', {
        type: 'boolean',
        default: false,
        describe: 'With --prune-before --dry-run: exit 2 when alerts would be deleted, 0 when none',
      })
      .example('$0 alerts --since 30d', 'every episode of the managed checks over 30 days')
      .example('$0 alerts --check healthlake:cv:health.steps --json', 'one check, as JSON')
      .example(
        '$0 alerts --prune-before=-90d --dry-run',
        'what pruning alerts older than 90 days would delete',
      )
      .epilog(
        'An episode is one series going WARN/ERROR until it is OK again; Seyren stores an alert at every run ' +
          'meanwhile. --json prints {seyrenUrl, since, until, read: {requests, alerts, skipped}, summary: {checks, ' +
          'episodes, still}, episodes: [{check, checkId, managed, series, start, startKnown, end, still, worst, ' +
          'peak, peakAt, lastValue, lastAt, warn, error, alerts, notifications}]}; with --prune-before {before, ' +
          'summary: {checks, alerts, unchanged}, actions: [{action, name, id, alerts, total, oldest}], unchanged, ' +
          'result} (README: "healthlake alerts"). Environment: SEYREN_URL.',
      ) as Argv<AlertsArgs>,
  handler: async (argv) => {
    const { config, log } = commandContext(argv);
    const seyrenUrl = requireSeyrenUrl(config);
    const now = Date.now();
    const seyren = new SeyrenClient({ baseUrl: seyrenUrl, auth: config.seyrenAuth, logger: log });
    const selection: AlertSelection = {
      check: argv.check,
      metric: argv.metric,
      all: argv.all,
      env: argv.env,
    };

    if (argv['prune-before'] !== undefined) {
      const beforeMs = parseTimePoint(argv['prune-before'], Math.floor(now / 1000), 'prune-before') * 1000;
      const selected = await selectChecks(seyren, { ...selection, all: false });
      assertManaged(selected.checks);
      const plan = await planPrune(seyren, selected.checks, beforeMs, argv.concurrency);
      log.info({ checks: plan.actions.length, seyrenRequests: seyren.requestCount }, 'prune plan ready');
      if (argv['dry-run']) {
        console.log(
          argv.json ? JSON.stringify(prunePlanToJson(plan), null, 2) : formatPrunePlan(plan, seyrenUrl),
        );
        if (argv['detailed-exitcode'] && plan.actions.length > 0) process.exitCode = ExitCode.changesPending;
        return;
      }
      if (!argv.json) console.log(formatPrunePlan(plan, seyrenUrl));
      const result = await applyPrune(plan, seyren, { concurrency: argv.concurrency, logger: log });
      if (argv.json) console.log(JSON.stringify({ ...prunePlanToJson(plan), result }, null, 2));
      else if (plan.actions.length > 0) console.log(formatPruneResult(result));
      log.info({ ...result, failures: result.failures.length }, 'prune finished');
      if (result.failures.length > 0 || result.remaining.length > 0) process.exitCode = ExitCode.failure;
      return;
    }

    const since = parseSince(argv.since, Math.floor(now / 1000), 'since') * 1000;
    const selected = await selectChecks(seyren, selection);
    const history = await readAlertHistory(seyren, selected, {
      since,
      now,
      pageSize: argv['page-size'],
      concurrency: argv.concurrency,
    });
    log.info({ requests: history.requests, alerts: history.alertsRead }, 'alert history read');
    if (argv.json) console.log(JSON.stringify(alertHistoryToJson(history, seyrenUrl), null, 2));
    else console.log(formatAlertHistoryText(history, seyrenUrl));
  },
};
