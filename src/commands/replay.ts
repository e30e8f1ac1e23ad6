import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { Archive } from '../archive/archive';
import { updateSummary } from '../archive/summary-csv';
import type { GlobalOptions } from '../cli';
import { deliver, type SinkName } from '../collect/deliver';
import { acquireCollectLock } from '../collect/lock';
import { ExitCode, InputError } from '../errors';
import { deriveDays } from '../metrics/derive';
import { withheldReport } from '../metrics/withheld';
import { addDays } from '../util/civil-date';
import { toPoints } from '../sinks/sink';
import { commandContext } from './context';
import {
  printResult,
  SINK_DESCRIPTION,
  withRangeOptions,
  withVerifyOption,
  type RangeArgs,
  type VerifyArgs,
} from './collect';

interface ReplayArgs extends GlobalOptions, RangeArgs, VerifyArgs {
  sink: SinkName[];
  'time-zone': string;
  'dry-run': boolean;
  json: boolean;
}

/** Re-sends archived days, e.g. to a Graphite that was down or rebuilt. Reads no source. */
export const replayCommand: CommandModule<GlobalOptions, ReplayArgs> = {
  command: 'replay',
  describe:
    'Re-derive archived days and send them to the sinks again (for a Graphite that was down or rebuilt)',
  builder: (y: Argv<GlobalOptions>) =>
    withVerifyOption(withRangeOptions(y))
      .demandOption(['from', 'to'])
      .option('sink', {
        type: 'array',
        choices: ['carbon', 'statsd', 'stdout'] as const,
        default: ['carbon'],
        describe: `Where to write: ${SINK_DESCRIPTION}`,
      })
      .option('time-zone', {
        type: 'string',
        default: 'UTC',
        describe: 'Zone that decides "today" for the statsd sink',
      })
      .option('dry-run', {
        type: 'boolean',
        default: false,
        describe: 'Print the carbon lines; send nothing',
      })
      .option('json', {
        type: 'boolean',
        default: false,
        describe: 'Print the result as JSON on stdout',
      }) as Argv<ReplayArgs>,
  handler: async (argv) => {
    const { config, log } = commandContext(argv);
    const release = await acquireCollectLock(config.dataDir);
    try {
      const started = Date.now();
      const from = argv.from as string;
      const to = argv.to as string;
      // Records that fail the plausibility rules come back withheld (refused), never as a 0.
      const days = await new Archive(config.dataDir).readRange({ from, to: addDays(to, 1) });
      const metrics = deriveDays(days, { from, to });
      const report = withheldReport(metrics, days);
      for (const w of report.warnings) log.warn({ file: w.file }, `skipped input: ${w.message}`);
      if (metrics.length === 0) {
        throw InputError.single(`the archive holds no day between ${from} and ${to}`, {
          file: path.join(config.dataDir, 'archive'),
        });
      }
      if (!argv['dry-run']) await updateSummary(path.join(config.dataDir, 'summary.csv'), metrics);
      const { sent, verification } = await deliver(
        metrics,
        argv['dry-run'] ? ['stdout'] : argv.sink,
        config,
        log,
        argv['time-zone'],
        { from, to },
        { verify: argv.verify },
      );
      const points = toPoints(metrics, config.prefix).length;
      const withheld = metrics.flatMap((m) => (m.withheld ? [{ date: m.date, metrics: m.withheld }] : []));
      printResult(
        {
          days: metrics.length,
          points,
          sent,
          verification,
          warnings: report.warnings,
          range: { from, to },
          metrics,
          withheld,
          otherOffsetDays: [],
        },
        argv,
        Date.now() - started,
      );
      if (report.warnings.length > 0) process.exitCode = ExitCode.skippedInput;
    } finally {
      await release();
    }
  },
};
