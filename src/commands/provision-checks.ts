import { SingleBar, Presets } from 'cli-progress';
import type { Argv, CommandModule } from 'yargs';
import type { GlobalOptions } from '../cli';
import { GraphiteClient } from '../clients/graphite';
import { SeyrenClient, escapeJavaRegex } from '../clients/seyren/client';
import { applyPlan, type ApplyResult } from '../checks/apply';
import { loadCheckSpecs } from '../checks/definitions';
import { desiredChecks, MANAGED_NAME_PREFIX } from '../checks/desired';
import { CheckedExpansion } from '../checks/expansion';
import { planChanges, hasChanges, leavesWorkUndone } from '../checks/plan';
import { formatPlanText, planToJson, summarize, type AlertRates } from '../checks/plan-format';
import { estimateAlertRates, noiseGraphiteClient } from '../backtest/noise';
import { validateTargets, type ValidationIssue } from '../checks/validate';
import { ExitCode, HealthlakeError } from '../errors';
import { loadTemplates } from '../templates/registry';
import { withCheckSourceOptions, type CheckSourceArgs } from './check-options';
import { commandContext } from './context';

interface ProvisionArgs extends CheckSourceArgs {
  'dry-run': boolean;
  prune: boolean;
  validate: boolean;
  'detailed-exitcode': boolean;
  concurrency: number;
}

export const provisionChecksCommand: CommandModule<GlobalOptions, ProvisionArgs> = {
  command: 'provision-checks',
  describe:
    'Sync the check definitions to Seyren: plan, then create, update in place, and (with --prune) delete',
  builder: (y: Argv<GlobalOptions>) =>
    withCheckSourceOptions(y)
      .option('dry-run', { type: 'boolean', default: false, describe: 'Show the plan and write nothing' })
      .option('prune', {
        type: 'boolean',
        default: false,
        describe:
          'Delete managed checks (named healthlake:…, marked in their description) that are no longer declared',
      })
      .option('validate', {
        type: 'boolean',
        default: false,
        describe:
          'Render every target against Graphite over its range first; HTTP errors stop the run before any write',
      })
      .option('detailed-exitcode', {
        type: 'boolean',
        default: false,
        describe: 'With --dry-run: exit 2 when changes are pending, 0 when none',
      })
      .option('concurrency', { type: 'number', default: 8, describe: 'Seyren requests in flight at once' })
      .epilog(
        'Environment: SEYREN_URL (base URL with any context path, e.g. http://host:8080/seyren; /api is added), ' +
          'GRAPHITE_URL (to expand wildcard metrics and for --validate), GRAPHITE_CLUSTER_URLS (the graphite-webs a ' +
          'federating GRAPHITE_URL asks: an expansion one of them did not answer deletes nothing), ' +
          'optional SEYREN_AUTH_HEADER / GRAPHITE_AUTH_HEADER ' +
          'or SEYREN_USER+SEYREN_PASSWORD / GRAPHITE_USER+GRAPHITE_PASSWORD for a reverse proxy. ' +
          'Checks that healthlake did not create are never changed or deleted.',
      ) as Argv<ProvisionArgs>,
  handler: async (argv) => {
    const { config, log } = commandContext(argv);
    if (!config.seyrenUrl) {
      throw new HealthlakeError(
        'SEYREN_URL is not set (environment or config file), e.g. http://localhost:8080/seyren',
        ExitCode.invalidInput,
      );
    }
    // Everything that can be wrong in the definitions is found before any request.
    const templates = loadTemplates(argv.templates);
    const specs = loadCheckSpecs(argv.checks, templates, { env: argv.env, prefix: config.prefix });
    const graphite = new GraphiteClient({
      baseUrl: config.graphiteUrl,
      auth: config.graphiteAuth,
      logger: log,
    });
    // Expansions through GRAPHITE_URL, judged complete or not against the nodes it federates (if declared).
    const expansion = new CheckedExpansion(
      graphite,
      config.graphiteClusterUrls.map((url) => ({
        url,
        client: new GraphiteClient({ baseUrl: url, auth: config.graphiteAuth, logger: log }),
      })),
      log,
    );
    const desired = await desiredChecks(specs, expansion.expand);

    let validation: ValidationIssue[] = [];
    if (argv.validate) {
      validation = await validateTargets(desired, graphite);
      for (const issue of validation) log.warn({ check: issue.name, kind: issue.kind }, issue.message);
      const errors = validation.filter((i) => i.severity === 'error');
      if (errors.length > 0) {
        if (argv.json) console.log(JSON.stringify({ validation }, null, 2));
        throw new HealthlakeError(
          `--validate: ${errors.length} target(s) fail in Graphite; nothing was written:\n` +
            errors.map((e) => `  ${e.name}: ${e.message}`).join('\n'),
        );
      }
    }

    const seyren = new SeyrenClient({ baseUrl: config.seyrenUrl, auth: config.seyrenAuth, logger: log });
    const existing = await seyren.listChecks(`^${escapeJavaRegex(MANAGED_NAME_PREFIX)}`);
    const plan = planChanges(desired, existing, {
      prune: argv.prune,
      env: argv.env,
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

    // A declared check whose name a hand-made check holds cannot be provisioned, and a partial expansion
    // leaves checks uncreated or deletions withheld: the run has not converged.
    const conflictCode = leavesWorkUndone(plan, argv.prune) ? ExitCode.failure : ExitCode.ok;
    if (argv['dry-run']) {
      if (argv.json) console.log(JSON.stringify({ ...planToJson(plan, alertRates), validation }, null, 2));
      else console.log(formatPlanText(plan, { seyrenUrl: config.seyrenUrl, prune: argv.prune, alertRates }));
      if (conflictCode) process.exitCode = conflictCode;
      else if (argv['detailed-exitcode'] && hasChanges(plan)) process.exitCode = ExitCode.changesPending;
      return;
    }

    if (!argv.json)
      console.log(formatPlanText(plan, { seyrenUrl: config.seyrenUrl, prune: argv.prune, alertRates }));
    const bar = progressBar(plan.actions.length);
    const result = await applyPlan(plan, seyren, {
      concurrency: argv.concurrency,
      logger: log,
      onProgress: (done) => bar?.update(done),
    });
    bar?.stop();
    report(result, argv.json, plan, validation, alertRates);
    log.info(
      { ...result, failures: result.failures.length, seyrenRequests: seyren.requestCount },
      result.failures.length ? 'apply finished with failures' : 'apply finished',
    );
    if (result.failures.length > 0 || conflictCode) process.exitCode = ExitCode.failure;
  },
};

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

function report(
  result: ApplyResult,
  json: boolean,
  plan: ReturnType<typeof planChanges>,
  validation: ValidationIssue[],
  alertRates: AlertRates,
) {
  if (json) {
    console.log(JSON.stringify({ ...planToJson(plan, alertRates), validation, result }, null, 2));
    return;
  }
  console.log(
    `\nApplied: ${result.created} created, ${result.updated} updated, ${result.deleted} deleted, ${result.unchanged} unchanged` +
      (result.failures.length ? `, ${result.failures.length} FAILED:` : '.'),
  );
  for (const f of result.failures) console.log(`  ${f.kind} ${f.name}: ${f.message}`);
  if (result.failures.length) console.log('A re-run retries what failed; what succeeded stays applied.');
}
