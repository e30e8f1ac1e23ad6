import { acquireCollectLock } from '../collect/lock';
import { runPipeline, type PipelineResult } from '../collect/pipeline';
import { terminalProgress } from '../collect/progress';
import { apiRequestCount, collectionRange, readSources } from '../collect/read-sources';
import { reportRun } from '../collect/telemetry';
import { ExitCode, InputError } from '../errors';
import type { SourceResult } from '../sources/day-record';
import { defineCommand } from '../cli/define-command';
import {
  dayRangeOptions,
  dryRunOption,
  jsonOption,
  sinkOption,
  validateDeliveryOptions,
  verifyOption,
} from '../cli/options';
import { deliveryPhrase, verificationJson } from '../verify/report';

export const collectCommand = defineCommand({
  command: 'collect',
  describe: 'Read health data, derive the daily metrics, archive them and write them to Graphite',
  options: {
    source: {
      type: 'string',
      requiresArg: true,
      choices: ['takeout', 'sample', 'google-health'] as const,
      demandOption: true,
      describe:
        'takeout: a Google Takeout / Fitbit export (--path); sample: the bundled generated sample export; ' +
        'google-health: the Google Health API (after `healthlake auth`; without --from/--to the last 7 days)',
    },
    path: {
      type: 'string',
      requiresArg: true,
      describe: 'The Takeout .zip, the folder holding Takeout/, or the Fitbit folder',
    },
    ...dayRangeOptions,
    'working-days': {
      type: 'string',
      requiresArg: true,
      describe: 'CSV with header date,worked (1/0, true/false, yes/no); the sample has its own',
    },
    sink: sinkOption,
    verify: verifyOption,
    'dry-run': dryRunOption(
      'Print the carbon lines (with --json: only the result); archive and send nothing',
    ),
    refetch: {
      type: 'boolean',
      default: false,
      describe:
        'google-health: fetch again days the archive already holds. Without it a backfill resumes: a day ' +
        'fetched at least 7 days after it ended is read from the archive, not asked of Google again',
    },
    'export-timezone': {
      type: 'string',
      requiresArg: true,
      choices: ['wearer', 'profile', 'local', 'utc'] as const,
      default: 'wearer' as const,
      describe:
        "Where an export's days begin and end: wearer (at the midnights its heart-rate files show, so a " +
        'month abroad is cut at that offset), profile (at the profile zone\'s midnights; "utc" is its older ' +
        'name), or local (its UTC times read as wall-clock times)',
    },
    json: jsonOption(),
  },
  examples: [
    ['$0 collect --source google-health', 'the last 7 days from the Google Health API (cron)'],
    ['$0 collect --source takeout --path ~/takeout.zip --from 2026-01-01', 'history from an export'],
    ['$0 collect --source sample --dry-run', 'the carbon lines of the bundled sample, nothing sent'],
  ],
  epilog:
    'Exit codes: 0 ok (carbon read every line and, unless --no-verify, Graphite returned every point), ' +
    '1 failure (carbon unreachable, carbon not reading for HEALTHLAKE_CARBON_TIMEOUT_MS, or points not in ' +
    'Graphite: the data is archived, run the "healthlake replay" the message names), ' +
    '3 invalid input, 5 finished but some input was skipped or a metric withheld, or a Google scope was not ' +
    'granted (each named in a warning), ' +
    '6 Google authorisation missing or expired (run "healthlake auth"), 7 another collect is running.',
  validate: validateDeliveryOptions,
  handler: async (args, { config, log }) => {
    const release = await acquireCollectLock(config.dataDir);
    const started = Date.now();
    let result: PipelineResult | undefined;
    let results: SourceResult[] = [];
    let ok = false;
    try {
      results = await readSources({
        source: args.source,
        path: args.path,
        range: { from: args.from, to: args.to },
        workingDays: args['working-days'],
        exportTimezone: args['export-timezone'],
        dataDir: config.dataDir,
        progress: terminalProgress(),
        log,
        config,
        dryRun: args['dry-run'],
        refetch: args.refetch,
      });
      const range = collectionRange(results, { from: args.from, to: args.to });
      result = await runPipeline(
        { results, range, sinks: args.sink, dryRun: args['dry-run'], verify: args.verify, json: args.json },
        config,
        log,
      );
      printResult(result, args, Date.now() - started, readTime(results));
      if (result.days === 0 && result.warnings.length === 0) {
        const what =
          args.source === 'google-health'
            ? `no data from the Google Health API for ${range.from}..${range.to} (has the watch synced?)`
            : 'no data in the export for the requested days';
        throw InputError.single(what, {
          file: args.path ?? args.source,
        });
      }
      if (result.warnings.length > 0) process.exitCode = ExitCode.skippedInput;
      ok = true;
    } finally {
      try {
        // Self-telemetry for checks/collector.yaml; a dry run collects nothing, so it reports nothing.
        if (!args['dry-run']) {
          await reportRun({
            statsd: config.statsd,
            ok,
            durationMs: Date.now() - started,
            pointsWritten: Object.values(result?.sent ?? {}).reduce((a, b) => a + b, 0),
            apiRequests: apiRequestCount(results),
            errors: ok ? 0 : 1,
            logger: log,
          });
        }
      } finally {
        await release();
      }
    }
  },
});

/** How long the sources took to read (an export: opening it to its days assembled); undefined when untold. */
function readTime(results: SourceResult[]): number | undefined {
  const times = results.flatMap((r) => (r.readMs === undefined ? [] : [r.readMs]));
  return times.length > 0 ? times.reduce((a, b) => a + b, 0) : undefined;
}

export function printResult(
  result: PipelineResult,
  argv: { json: boolean; 'dry-run'?: boolean; sink?: readonly string[] },
  ms: number,
  readMs?: number,
) {
  if (argv.json) {
    console.log(
      JSON.stringify(
        {
          days: result.days,
          points: result.points,
          sent: result.sent,
          verification: verificationJson(result.verification),
          skipped: result.warnings.length,
          warnings: result.warnings,
          withheld: result.withheld,
          otherOffsetDays: result.otherOffsetDays,
          range: result.range,
          ms,
          ...(readMs !== undefined ? { readMs } : {}),
        },
        null,
        2,
      ),
    );
    return;
  }
  const withheld = result.withheld.reduce((n, d) => n + d.metrics.length, 0);
  const line =
    `${argv['dry-run'] ? 'dry run: ' : ''}${result.days} days ${result.range.from ?? '-'}..${result.range.to ?? '-'}, ` +
    `${deliveryPhrase(result.points, result.sent, result.verification)}, ${result.warnings.length} input records skipped, ` +
    (withheld > 0 ? `${withheld} points withheld, ` : '') +
    (result.otherOffsetDays.length > 0
      ? `${result.otherOffsetDays.length} days cut at another UTC offset than the profile zone's, `
      : '') +
    `${(ms / 1000).toFixed(1)} s` +
    (readMs !== undefined ? ` (read ${(readMs / 1000).toFixed(2)} s)` : '');
  // When stdout carries the carbon lines (a dry run, or the stdout sink), the summary goes to stderr so they
  // stay machine-readable (e.g. piped into `nc host 2003`).
  (argv['dry-run'] || argv.sink?.includes('stdout') ? console.error : console.log)(line);
}
