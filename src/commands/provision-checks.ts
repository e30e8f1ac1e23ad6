import { SingleBar, Presets } from 'cli-progress';
import { escapeJavaRegex } from '../clients/seyren/client';
import { applyPlan, type ApplyResult } from '../checks/apply';
import { desiredChecks, MANAGED_NAME_PREFIX, type DesiredCheck } from '../checks/desired';
import { metricsWithoutSeries, unmatchedGlobMessage } from '../checks/series-presence';
import { GraphiteClient } from '../clients/graphite';
import type { Logger } from '../util/log';
import { CheckedExpansion } from '../checks/expansion';
import { planChanges, hasChanges, leavesWorkUndone } from '../checks/plan';
import { formatPlanText, planToJson, summarize, type AlertRates, type NoSeries } from '../checks/plan-format';
import { estimateAlertRates, noiseGraphiteClient } from '../backtest/noise';
import { validateTargets, type ValidationIssue } from '../checks/validate';
import { ExitCode, HealthlakeError } from '../errors';
import { defineCommand } from '../cli/define-command';
import { loadCheckSource } from '../cli/check-folders';
import {
  checkSourceOptions,
  concurrencyOption,
  detailedExitcodeOption,
  dryRunOption,
  jsonOption,
  yesOption,
} from '../cli/options';

export const provisionChecksCommand = defineCommand({
  command: 'provision-checks',
  describe:
    'Sync the check definitions to Seyren: plan, then create, update in place, and (with --prune) delete',
  options: {
    ...checkSourceOptions,
    json: jsonOption(),
    'dry-run': dryRunOption('Show the plan and write nothing'),
    prune: {
      type: 'boolean',
      default: false,
      describe:
        'Delete managed checks (named healthlake:…, marked in their description) that are no longer declared',
    },
    validate: {
      type: 'boolean',
      default: false,
      describe:
        'Render every target against Graphite over its range first; HTTP errors stop the run before any write',
    },
    'detailed-exitcode': detailedExitcodeOption(
      'With --dry-run: exit 2 when changes are pending, 0 when none',
    ),
    yes: yesOption('checks'),
    concurrency: concurrencyOption('Seyren requests in flight at once'),
  },
  examples: [
    ['$0 provision-checks --dry-run', 'the plan: what would be created, updated and deleted'],
    ['$0 provision-checks --validate --prune', 'check every target in Graphite, then apply and prune'],
  ],
  epilog:
    'Environment: SEYREN_URL (base URL with any context path, e.g. http://host:8080/seyren; /api is added), ' +
    'GRAPHITE_URL (to expand wildcard metrics and for --validate), GRAPHITE_CLUSTER_URLS (the graphite-webs a ' +
    'federating GRAPHITE_URL asks: an expansion one of them did not answer deletes nothing), ' +
    'optional SEYREN_AUTH_HEADER / GRAPHITE_AUTH_HEADER ' +
    'or SEYREN_USER+SEYREN_PASSWORD / GRAPHITE_USER+GRAPHITE_PASSWORD for a reverse proxy. ' +
    'Checks that healthlake did not create are never changed or deleted.',
  handler: async (args, ctx) => {
    const { config, log } = ctx;
    const seyren = ctx.clients.seyren(); // fails at once without SEYREN_URL
    // Everything that can be wrong in the definitions is found before any request.
    const { specs } = loadCheckSource(args, ctx);
    const graphite = ctx.clients.graphite();
    // Expansions through GRAPHITE_URL, judged complete or not against the nodes it federates (if declared).
    const expansion = new CheckedExpansion(
      graphite,
      config.graphiteClusterUrls.map((url) => ({
        url,
        client: new GraphiteClient({ baseUrl: url, auth: config.graphiteAuth, logger: log }),
      })),
      log,
    );
    const desired = await desiredChecks(specs, expansion.expand, {
      onUnmatched: (spec) => log.warn({ glob: spec.metric }, unmatchedGlobMessage(spec)),
    });

    let validation: ValidationIssue[] = [];
    if (args.validate) {
      validation = await validateTargets(desired, graphite);
      for (const issue of validation) log.warn({ check: issue.name, kind: issue.kind }, issue.message);
      const errors = validation.filter((i) => i.severity === 'error');
      if (errors.length > 0) {
        if (args.json) console.log(JSON.stringify({ validation }, null, 2));
        throw new HealthlakeError(
          `--validate: ${errors.length} target(s) fail in Graphite; nothing was written:\n` +
            errors.map((e) => `  ${e.name}: ${e.message}`).join('\n'),
        );
      }
    }

    const seyrenUrl = ctx.clients.seyrenUrl();
    const existing = await seyren.listChecks(`^${escapeJavaRegex(MANAGED_NAME_PREFIX)}`);
    const plan = planChanges(desired, existing, {
      prune: args.prune,
      env: args.env,
      incompleteExpansions: expansion.incompleteExpansions(),
    });
    log.info({ ...summarize(plan), seyrenRequests: seyren.requestCount }, 'plan ready');
    // Alerts/week of creates and threshold changes over the last 4 weeks; skipped when Graphite is down.
    const graphiteForRates = noiseGraphiteClient({
      baseUrl: config.graphiteUrl,
      auth: config.graphiteAuth,
      logger: log,
    });
    const alertRates = await estimateAlertRates(plan, graphiteForRates, { logger: log });
    // --validate has refused checks without series already; otherwise the plan names them.
    const noSeries: NoSeries = args.validate
      ? new Map()
      : await checksWithoutSeries(desired, graphiteForRates, log);
    const planContext = { seyrenUrl, prune: args.prune, alertRates, noSeries, style: ctx.terminal.style };

    // A declared check whose name a hand-made check holds cannot be provisioned, and a partial expansion
    // leaves checks uncreated or deletions withheld: the run has not converged.
    const conflictCode = leavesWorkUndone(plan, args.prune) ? ExitCode.failure : ExitCode.ok;
    if (args['dry-run']) {
      if (args.json)
        console.log(JSON.stringify({ ...planToJson(plan, alertRates, noSeries), validation }, null, 2));
      else console.log(formatPlanText(plan, planContext));
      if (conflictCode) process.exitCode = conflictCode;
      else if (args['detailed-exitcode'] && hasChanges(plan)) process.exitCode = ExitCode.changesPending;
      return;
    }

    if (!args.json) console.log(formatPlanText(plan, planContext));
    const deletes = summarize(plan).delete;
    if (deletes > 0 && !args.yes && ctx.terminal.interactive) {
      if (!(await ctx.confirm(`Delete ${deletes} check(s) from Seyren (${seyrenUrl})?`))) {
        throw new HealthlakeError('apply cancelled; nothing was written (--yes applies without asking)');
      }
    }
    const bar = progressBar(plan.actions.length);
    const result = await applyPlan(plan, seyren, {
      concurrency: args.concurrency,
      logger: log,
      onProgress: (done) => bar?.update(done),
    });
    bar?.stop();
    report(result, args.json, plan, validation, alertRates, noSeries);
    log.info(
      { ...result, failures: result.failures.length, seyrenRequests: seyren.requestCount },
      result.failures.length ? 'apply finished with failures' : 'apply finished',
    );
    if (result.failures.length > 0 || conflictCode) process.exitCode = ExitCode.failure;
  },
});

/** A progress bar on stderr for long applies in a terminal; cron and CI (no TTY) get log lines only. */
function progressBar(total: number): SingleBar | undefined {
  if (total < 20 || !process.stderr.isTTY) return undefined;
  const bar = new SingleBar(
    { stream: process.stderr, format: 'applying {bar} {value}/{total} checks' },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return bar;
}

/** Declared checks whose metric has no series in Graphite, by name; none when Graphite does not answer. */
async function checksWithoutSeries(
  desired: DesiredCheck[],
  graphite: GraphiteClient,
  log: Logger,
): Promise<NoSeries> {
  try {
    const missing = await metricsWithoutSeries(desired, (m) => graphite.expand(m));
    return new Map(desired.filter((c) => missing.has(c.source.metric)).map((c) => [c.name, c.source.metric]));
  } catch (err) {
    log.debug(
      { reason: (err as Error).message },
      'Graphite did not answer: the plan cannot say which metrics have no series',
    );
    return new Map();
  }
}

function report(
  result: ApplyResult,
  json: boolean,
  plan: ReturnType<typeof planChanges>,
  validation: ValidationIssue[],
  alertRates: AlertRates,
  noSeries: NoSeries,
) {
  if (json) {
    console.log(JSON.stringify({ ...planToJson(plan, alertRates, noSeries), validation, result }, null, 2));
    return;
  }
  console.log(
    `\nApplied: ${result.created} created, ${result.updated} updated, ${result.deleted} deleted, ${result.unchanged} unchanged` +
      (result.failures.length ? `, ${result.failures.length} FAILED:` : '.'),
  );
  for (const f of result.failures) console.log(`  ${f.kind} ${f.name}: ${f.message}`);
  if (result.failures.length) console.log('A re-run retries what failed; what succeeded stays applied.');
}
