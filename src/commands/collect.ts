import type { Argv, CommandModule } from 'yargs';
import type { GlobalOptions } from '../cli';
import { acquireCollectLock } from '../collect/lock';
import { runPipeline, type PipelineResult, type SinkName } from '../collect/pipeline';
import { terminalProgress } from '../collect/progress';
import { apiRequestCount, collectionRange, readSources, type SourceName } from '../collect/read-sources';
import { reportRun } from '../collect/telemetry';
import { ExitCode, InputError } from '../errors';
import type { SourceResult } from '../sources/day-record';
import { isCivilDate } from '../util/civil-date';
import { deliveryPhrase, verificationJson } from '../verify/report';
import { commandContext } from './context';

export interface RangeArgs {
  from?: string;
  to?: string;
}

export interface VerifyArgs {
  verify: boolean;
}

interface CollectArgs extends GlobalOptions, RangeArgs, VerifyArgs {
  source: SourceName;
  path?: string;
  'working-days'?: string;
  sink: SinkName[];
  'dry-run': boolean;
  refetch: boolean;
  'export-timezone': 'wearer' | 'profile' | 'local' | 'utc';
  json: boolean;
}

export function withRangeOptions<T>(y: Argv<T>): Argv<T & RangeArgs> {
  return y
    .option('from', { type: 'string', describe: 'First civil day to collect, YYYY-MM-DD (inclusive)' })
    .option('to', { type: 'string', describe: 'Last civil day, YYYY-MM-DD (inclusive)' })
    .check((argv) => {
      for (const key of ['from', 'to'] as const) {
        const value = argv[key];
        if (value !== undefined && !isCivilDate(value))
          throw new Error(`--${key} must be a date YYYY-MM-DD, got "${value}"`);
      }
      if (argv.from && argv.to && argv.from > argv.to) throw new Error('--from is after --to');
      return true;
    }) as Argv<T & RangeArgs>;
}

export const SINK_DESCRIPTION =
  'carbon (timestamped, CARBON_HOST:CARBON_PORT), statsd (gauges for today only; UDP cannot be verified ' +
  'point by point, so the gauges are read back from Graphite, stats.gauges.<prefix>.*, after statsD flushes), ' +
  'stdout (carbon lines)';

export function withVerifyOption<T>(y: Argv<T>): Argv<T & VerifyArgs> {
  return y.option('verify', {
    type: 'boolean',
    default: true,
    describe:
      'Read every written point back through graphite-web (GRAPHITE_URL) and fail unless it is there with ' +
      'its value (waits up to HEALTHLAKE_VERIFY_WAIT_MS); skipped with a warning when graphite-web does not ' +
      'answer. --no-verify: trust carbon having read every line',
  }) as Argv<T & VerifyArgs>;
}

export const collectCommand: CommandModule<GlobalOptions, CollectArgs> = {
  command: 'collect',
  describe: 'Read health data, derive the daily metrics, archive them and write them to Graphite',
  builder: (y: Argv<GlobalOptions>) =>
    withVerifyOption(withRangeOptions(y))
      .option('source', {
        choices: ['takeout', 'sample', 'google-health'] as const,
        demandOption: true,
        describe:
          'takeout: a Google Takeout / Fitbit export (--path); sample: the bundled generated sample export; ' +
          'google-health: the Google Health API (after `healthlake auth`; without --from/--to the last 7 days)',
      })
      .option('path', {
        type: 'string',
        describe: 'The Takeout .zip, the folder holding Takeout/, or the Fitbit folder',
      })
      .option('working-days', {
        type: 'string',
        describe: 'CSV with header date,worked (1/0, true/false, yes/no); the sample has its own',
      })
      .option('sink', {
        type: 'array',
        choices: ['carbon', 'statsd', 'stdout'] as const,
        default: ['carbon'],
        describe: `Where to write: ${SINK_DESCRIPTION}`,
      })
      .option('dry-run', {
        type: 'boolean',
        default: false,
        describe: 'Print the carbon lines; archive and send nothing',
      })
      .option('refetch', {
        type: 'boolean',
        default: false,
        describe:
          'google-health: fetch again days the archive already holds. Without it a backfill resumes: a day ' +
          'fetched at least 7 days after it ended is read from the archive, not asked of Google again',
      })
      .option('export-timezone', {
        choices: ['wearer', 'profile', 'local', 'utc'] as const,
        default: 'wearer' as const,
        describe:
          "Where an export's days begin and end: wearer (at the midnights its heart-rate files show, so a " +
          'month abroad is cut at that offset), profile (at the profile zone\'s midnights; "utc" is its older ' +
          'name), or local (its UTC times read as wall-clock times)',
      })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON on stdout' })
      .epilog(
        'Exit codes: 0 ok (carbon read every line and, unless --no-verify, Graphite returned every point), ' +
          '1 failure (carbon unreachable, carbon not reading for HEALTHLAKE_CARBON_TIMEOUT_MS, or points not in ' +
          'Graphite: the data is archived, run the "healthlake replay" the message names), ' +
          '3 invalid input, 5 finished but some input was skipped or a metric withheld, or a Google scope was not ' +
          'granted (each named in a warning), ' +
          '6 Google authorisation missing or expired (run "healthlake auth"), 7 another collect is running.',
      ) as Argv<CollectArgs>,
  handler: async (argv) => {
    const { config, log } = commandContext(argv);
    const release = await acquireCollectLock(config.dataDir);
    const started = Date.now();
    let result: PipelineResult | undefined;
    let results: SourceResult[] = [];
    let ok = false;
    try {
      results = await readSources({
        source: argv.source,
        path: argv.path,
        range: { from: argv.from, to: argv.to },
        workingDays: argv['working-days'],
        exportTimezone: argv['export-timezone'],
        dataDir: config.dataDir,
        progress: terminalProgress(),
        log,
        config,
        dryRun: argv['dry-run'],
        refetch: argv.refetch,
      });
      const range = collectionRange(results, { from: argv.from, to: argv.to });
      result = await runPipeline(
        { results, range, sinks: argv.sink, dryRun: argv['dry-run'], verify: argv.verify },
        config,
        log,
      );
      printResult(result, argv, Date.now() - started, readTime(results));
      if (result.days === 0 && result.warnings.length === 0) {
        const what =
          argv.source === 'google-health'
            ? `no data from the Google Health API for ${range.from}..${range.to} (has the watch synced?)`
            : 'no data in the export for the requested days';
        throw InputError.single(what, {
          file: argv.path ?? argv.source,
        });
      }
      if (result.warnings.length > 0) process.exitCode = ExitCode.skippedInput;
      ok = true;
    } finally {
      try {
        // Self-telemetry for checks/collector.yaml; a dry run collects nothing, so it reports nothing.
        if (!argv['dry-run']) {
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
};

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
