import path from 'node:path';
import { Archive } from '../archive/archive';
import { updateSummary } from '../archive/summary-csv';
import { sendToSinks } from '../collect/pipeline';
import { acquireCollectLock } from '../collect/lock';
import { InputError } from '../errors';
import { deriveDays } from '../metrics/derive';
import { addDays } from '../util/civil-date';
import { toPoints } from '../sinks/sink';
import { defineCommand } from '../cli/define-command';
import { dryRunOption, jsonOption } from '../cli/options';
import { SINKS, dayRangeOptions, printResult, validateDayRange } from './collect';

/** Re-sends archived days, e.g. to a Graphite that was down or rebuilt. Reads no source. */
export const replayCommand = defineCommand({
  command: 'replay',
  describe:
    'Re-derive archived days and send them to the sinks again (for a Graphite that was down or rebuilt)',
  options: {
    from: { ...dayRangeOptions.from, demandOption: true },
    to: { ...dayRangeOptions.to, demandOption: true },
    sink: {
      type: 'string',
      array: true,
      choices: SINKS,
      default: ['carbon'] as Array<(typeof SINKS)[number]>,
      describe: 'Where to write (see collect)',
    },
    'time-zone': {
      type: 'string',
      requiresArg: true,
      default: 'UTC',
      describe: 'Zone that decides "today" for the statsd sink',
    },
    'dry-run': dryRunOption('Print the carbon lines; send nothing'),
    json: jsonOption(),
  },
  examples: [['$0 replay --from 2026-11-01 --to 2026-11-15', 'send two archived weeks to carbon again']],
  validate: validateDayRange,
  handler: async (args, { config, log }) => {
    const release = await acquireCollectLock(config.dataDir);
    try {
      const started = Date.now();
      const { from, to } = args;
      const days = await new Archive(config.dataDir).readRange({ from, to: addDays(to, 1) });
      const metrics = deriveDays(days, { from, to });
      if (metrics.length === 0) {
        throw InputError.single(`the archive holds no day between ${from} and ${to}`, {
          file: path.join(config.dataDir, 'archive'),
        });
      }
      if (!args['dry-run']) await updateSummary(path.join(config.dataDir, 'summary.csv'), metrics);
      const sent = await sendToSinks(
        metrics,
        args['dry-run'] ? ['stdout'] : args.sink,
        config,
        log,
        args['time-zone'],
        { from, to },
      );
      const points = toPoints(metrics, config.prefix).length;
      printResult(
        { days: metrics.length, points, sent, warnings: [], range: { from, to }, metrics },
        args,
        Date.now() - started,
      );
    } finally {
      await release();
    }
  },
});
