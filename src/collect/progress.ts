import { Presets, SingleBar } from 'cli-progress';
import { silentProgress, type ProgressReporter } from '../sources/day-record';

/** A progress bar on stderr in a terminal; nothing under cron or CI, where logs say what happened. */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  if (!stream.isTTY) return silentProgress;
  let bar: SingleBar | undefined;
  return {
    start(total, label, unit = 'files') {
      bar = new SingleBar(
        { stream, format: `${label} {bar} {value}/{total} ${unit} {eta_formatted}`, clearOnComplete: true },
        Presets.shades_classic,
      );
      bar.start(total, 0);
    },
    increment(by = 1) {
      bar?.increment(by);
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
