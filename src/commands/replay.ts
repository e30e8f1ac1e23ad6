import path from 'node:path';
import { Archive } from '../archive/archive';
import { updateSummary } from '../archive/summary-csv';
import { deliver } from '../collect/deliver';
import { dryRunSinks } from '../collect/pipeline';
import { acquireCollectLock } from '../collect/lock';
import { ExitCode, InputError } from '../errors';
import { deriveDays } from '../metrics/derive';
import { withheldReport } from '../metrics/withheld';
import { addDays } from '../util/civil-date';
import { toPoints } from '../sinks/sink';
import { defineCommand } from '../cli/define-command';
import {
  dayRangeOptions,
  dryRunOption,
  jsonOption,
  sinkOption,
  timeZoneOption,
  validateDeliveryOptions,
  verifyOption,
} from '../cli/options';
import { printResult } from './collect';

/** Re-sends archived days, e.g. to a Graphite that was down or rebuilt. Reads no source. */
export const replayCommand = defineCommand({
  command: 'replay',
  describe:
    'Re-derive archived days and send them to the sinks again (for a Graphite that was down or rebuilt)',
  options: {
    from: { ...dayRangeOptions.from, demandOption: true },
    to: { ...dayRangeOptions.to, demandOption: true },
    sink: sinkOption,
    verify: verifyOption,
    'time-zone': { ...timeZoneOption('Zone that decides "today" for the statsd sink'), default: 'UTC' },
    'dry-run': dryRunOption('Print the carbon lines (with --json: only the result); send nothing'),
    json: jsonOption(),
  },
  examples: [['$0 replay --from 2026-11-01 --to 2026-11-15', 'send two archived weeks to carbon again']],
  validate: validateDeliveryOptions,
  handler: async (args, { config, log }) => {
    const release = await acquireCollectLock(config.dataDir);
    try {
      const started = Date.now();
      const { from, to } = args;
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
      if (!args['dry-run']) await updateSummary(path.join(config.dataDir, 'summary.csv'), metrics);
      const { sent, verification } = await deliver(
        metrics,
        args['dry-run'] ? dryRunSinks(args.json) : args.sink,
        config,
        log,
        args['time-zone'],
        { from, to },
        { verify: args.verify },
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
        args,
        Date.now() - started,
      );
      if (report.warnings.length > 0) process.exitCode = ExitCode.skippedInput;
    } finally {
      await release();
    }
  },
});
