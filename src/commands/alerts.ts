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
import { ExitCode, HealthlakeError, InputError } from '../errors';
import { epochOf } from '../time';
import { defineCommand } from '../cli/define-command';
import {
  alertPageSizeOption,
  detailedExitcodeOption,
  dryRunOption,
  jsonOption,
  concurrencyOption,
  sinceOption,
  timePointOption,
  yesOption,
} from '../cli/options';

export const alertsCommand = defineCommand({
  command: 'alerts',
  describe:
    'What fired: Seyren alert history as episodes (unhealthy until OK again); --prune-before deletes old alerts',
  options: {
    since: {
      ...sinceOption(
        'Start of the history: a length of time back (7d, 12h) or a time (2026-11-01, -2w, epoch s)',
      ),
      default: '7d',
    },
    check: {
      type: 'string',
      requiresArg: true,
      conflicts: 'metric',
      describe: 'Only this check (its exact name)',
    },
    metric: {
      type: 'string',
      requiresArg: true,
      describe: 'Only the managed checks of this metric (healthlake:<heuristic>:<metric>)',
    },
    all: {
      type: 'boolean',
      default: false,
      describe: 'Also checks healthlake did not create (never with --prune-before)',
    },
    env: { type: 'string', requiresArg: true, describe: 'Only managed checks of this environment' },
    json: jsonOption(),
    'page-size': alertPageSizeOption('Alerts per Seyren request'),
    concurrency: concurrencyOption('Seyren requests in flight at once'),
    'prune-before': timePointOption(
      'Delete the alerts recorded before this time (2026-10-01, -90d, epoch s) of managed checks: a plan, then the deletes',
    ),
    'dry-run': dryRunOption('With --prune-before: show the plan and delete nothing'),
    yes: yesOption('alerts (with --prune-before)'),
    'detailed-exitcode': detailedExitcodeOption(
      'With --prune-before --dry-run: exit 2 when alerts would be deleted, 0 when none',
    ),
  },
  examples: [
    ['$0 alerts --since 30d', 'every episode of the managed checks over 30 days'],
    ['$0 alerts --check healthlake:cv:health.steps --json', 'one check, as JSON'],
    ['$0 alerts --prune-before -90d --dry-run', 'what pruning alerts older than 90 days would delete'],
  ],
  epilog:
    'An episode is one series going WARN/ERROR until it is OK again; Seyren stores an alert at every run ' +
    'meanwhile. --json prints {seyrenUrl, since, until, read: {requests, alerts, skipped}, summary: {checks, ' +
    'episodes, still}, episodes: [{check, checkId, managed, series, start, startKnown, end, still, worst, ' +
    'peak, peakAt, lastValue, lastAt, warn, error, alerts, notifications}]}; with --prune-before {before, ' +
    'summary: {checks, alerts, unchanged}, actions: [{action, name, id, alerts, total, oldest}], unchanged, ' +
    'result} (README: "healthlake alerts"). Environment: SEYREN_URL.',
  validate: (args) => {
    // --all shows unmanaged checks; pruning never touches them, so the two together say nothing sensible.
    if (args.all && args['prune-before'] !== undefined)
      throw InputError.single('cannot be used with --prune-before (it prunes managed checks only)', {
        field: '--all',
      });
  },
  handler: async (args, ctx) => {
    const { log } = ctx;
    const seyrenUrl = ctx.clients.seyrenUrl();
    const now = Date.now();
    const seyren = ctx.clients.seyren();
    const selection: AlertSelection = {
      check: args.check,
      metric: args.metric,
      all: args.all,
      env: args.env,
    };

    if (args['prune-before'] !== undefined) {
      const beforeMs = epochOf(args['prune-before'], Math.floor(now / 1000)) * 1000;
      const selected = await selectChecks(seyren, { ...selection, all: false });
      assertManaged(selected.checks);
      const plan = await planPrune(seyren, selected.checks, beforeMs, args.concurrency);
      log.info({ checks: plan.actions.length, seyrenRequests: seyren.requestCount }, 'prune plan ready');
      if (args['dry-run']) {
        console.log(
          args.json ? JSON.stringify(prunePlanToJson(plan), null, 2) : formatPrunePlan(plan, seyrenUrl),
        );
        if (args['detailed-exitcode'] && plan.actions.length > 0) process.exitCode = ExitCode.changesPending;
        return;
      }
      if (!args.json) console.log(formatPrunePlan(plan, seyrenUrl));
      // Alert history deleted is gone for good: a person at a terminal confirms it, as provision-checks asks
      // before deleting checks.
      const alerts = plan.actions.reduce((n, a) => n + a.before, 0);
      if (alerts > 0 && !args.yes && ctx.terminal.interactive) {
        if (
          !(await ctx.confirm(
            `Delete ${alerts} alert(s) of ${plan.actions.length} check(s) from Seyren (${seyrenUrl})?`,
          ))
        ) {
          throw new HealthlakeError('prune cancelled; nothing was deleted (--yes deletes without asking)');
        }
      }
      const result = await applyPrune(plan, seyren, { concurrency: args.concurrency, logger: log });
      if (args.json) console.log(JSON.stringify({ ...prunePlanToJson(plan), result }, null, 2));
      else if (plan.actions.length > 0) console.log(formatPruneResult(result));
      log.info({ ...result, failures: result.failures.length }, 'prune finished');
      if (result.failures.length > 0 || result.remaining.length > 0) process.exitCode = ExitCode.failure;
      return;
    }

    const since = epochOf(args.since, Math.floor(now / 1000)) * 1000;
    const selected = await selectChecks(seyren, selection);
    const history = await readAlertHistory(seyren, selected, {
      since,
      now,
      pageSize: args['page-size'],
      concurrency: args.concurrency,
    });
    log.info({ requests: history.requests, alerts: history.alertsRead }, 'alert history read');
    if (args.json) console.log(JSON.stringify(alertHistoryToJson(history, seyrenUrl), null, 2));
    else console.log(formatAlertHistoryText(history, seyrenUrl));
  },
});
