import fs from 'node:fs';
import path from 'node:path';
import {
  parseCivilDate,
  parseDuration,
  parseRelativeTime,
  parseSince,
  parseTimePoint,
  type TimePoint,
} from '../time';
import { InputError } from '../errors';
import { isValidTimeZone } from '../util/timezone';

/**
 * Option builders shared by the commands, each defined once: the same option means the same thing, with the
 * same help text and the same validation, on every command. A builder returns a plain yargs option object;
 * its `coerce` turns the text into a typed value or throws a message that says what is allowed (the command
 * layer prefixes the option's name). A default is added where the option is used (`{ ...x, default: '-90d' }`),
 * so its literal type reaches the handler. Every option that takes a value has `requiresArg`, so its value is the
 * next argument even when it starts with `-` (`--from -90d`).
 */

/** `--json`: the result as JSON on stdout (logs stay on stderr). */
export const jsonOption = (describe = 'Print the result as JSON on stdout') =>
  ({ type: 'boolean', default: false, describe }) as const;

/** `--dry-run`: show what would happen and change nothing; the text says what is skipped. */
export const dryRunOption = (describe: string) => ({ type: 'boolean', default: false, describe }) as const;

/**
 * `--yes`: delete without asking. On a terminal a command that deletes asks first; without one (cron) it never
 * asks, so this only matters to a person at a terminal.
 */
export const yesOption = (what: string) =>
  ({
    type: 'boolean',
    default: false,
    describe: `Delete ${what} without asking: on a terminal a run that deletes asks first; without one (cron) it never asks`,
  }) as const;

/** `--checks`, `--templates`, `--env`: where check definitions come from. */
export const checkSourceOptions = {
  checks: {
    type: 'string',
    requiresArg: true,
    describe: 'Folder of check definitions (*.yaml directly in it)',
    defaultDescription: './checks if it exists, else the bundled examples',
  },
  templates: {
    type: 'string',
    requiresArg: true,
    describe: 'Folder of Graphite target templates (*.mustache); a new file is a new heuristic',
    defaultDescription: './templates if it exists, else the bundled ones',
  },
  env: {
    type: 'string',
    requiresArg: true,
    describe:
      'Only the checks of this environment (of files that declare environments); every environment is still validated',
  },
} as const;

/**
 * An option whose text `parse` turns into a typed value, throwing a message that says what is allowed (the
 * layer puts the option's name in front). The handler gets what `parse` returns.
 */
export function parsedOption<T>(describe: string, parse: (text: string) => T) {
  return { type: 'string', requiresArg: true, describe, coerce: parse } as const;
}

/** A point in time: now, a relative time (-90d, -12weeks), a date YYYY-MM-DD (00:00 UTC) or epoch seconds. */
export const timePointOption = (describe: string) =>
  parsedOption(describe, (text): TimePoint => parseTimePoint(text));

/** The start of a history: a length of time back (7d) or a time point (-2w, 2026-11-01, epoch seconds). */
export const sinceOption = (describe: string) =>
  parsedOption(describe, (text): TimePoint => parseSince(text));

/** A civil day YYYY-MM-DD that exists on the calendar (collect and replay ranges). */
export const civilDateOption = (describe: string) => parsedOption(describe, (text) => parseCivilDate(text));

/** An IANA time zone (Europe/Berlin, UTC) that this Node.js knows. */
export const timeZoneOption = (describe: string) =>
  parsedOption(describe, (text) => {
    if (!isValidTimeZone(text))
      throw new Error(`"${text}" is not a time zone (an IANA name: Europe/Berlin, UTC)`);
    return text;
  });

/** A length of time in seconds, e.g. 1d, 6h, 30min; zero only where `allowZero`. */
export const durationOption = (describe: string, options: { allowZero?: boolean } = {}) =>
  parsedOption(describe, (text) => parseDuration(text, options));

/** A Graphite range end as a check writes it (`-30d`, `now`), checked but kept as text. */
export const relativeTimeOption = (describe: string) =>
  parsedOption(describe, (text) => {
    parseRelativeTime(text);
    return text;
  });

/** A file to write: its folder must exist (checked before any work is done). */
export const outputFileOption = (describe: string) =>
  parsedOption(describe, (file) => {
    const dir = path.dirname(path.resolve(file));
    if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory())
      throw new Error(`the folder ${dir} does not exist`);
    return file;
  });

/** A number within bounds; `integer` for counts. */
export function numberOption(
  describe: string,
  bounds: { min?: number; max?: number; integer?: boolean } = {},
) {
  const { min, max, integer } = bounds;
  const allowed =
    `${integer ? 'a whole number' : 'a number'}` +
    (min !== undefined && max !== undefined
      ? ` from ${min} to ${max}`
      : min !== undefined
        ? ` of at least ${min}`
        : max !== undefined
          ? ` of at most ${max}`
          : '');
  return {
    type: 'number',
    requiresArg: true,
    describe,
    coerce: (value: number): number => {
      const ok =
        typeof value === 'number' &&
        Number.isFinite(value) &&
        (!integer || Number.isInteger(value)) &&
        (min === undefined || value >= min) &&
        (max === undefined || value <= max);
      if (!ok) throw new Error(`must be ${allowed}`);
      return value;
    },
  } as const;
}

/** `--concurrency`: requests in flight at once, 8 unless given. */
export const concurrencyOption = (describe: string) => ({
  ...numberOption(describe, { min: 1, max: 64, integer: true }),
  default: 8,
});

/** A value from a fixed list. */
export function choiceOption<const C extends readonly string[]>(describe: string, choices: C) {
  return { type: 'string', requiresArg: true, choices, describe } as const;
}

/** `--detailed-exitcode`: exit 2 when a dry run finds something to do, 0 when nothing (terraform's convention). */
export const detailedExitcodeOption = (describe: string) =>
  ({ type: 'boolean', default: false, describe }) as const;

/** `--page-size` of Seyren's alert listings (Seyren takes any count; 500 keeps a page a few hundred KB). */
export const alertPageSizeOption = (describe: string) => ({
  ...numberOption(describe, { min: 1, max: 10000, integer: true }),
  default: 500,
});

/** A PNG's width or height in pixels (graphite-web renders 50 to 4000). */
export const pixelsOption = (describe: string) =>
  numberOption(describe, { min: 50, max: 4000, integer: true });

/** --from/--to of collect and replay: civil days, inclusive. */
export const dayRangeOptions = {
  from: civilDateOption('First civil day, YYYY-MM-DD (inclusive)'),
  to: civilDateOption('Last civil day, YYYY-MM-DD (inclusive)'),
} as const;

export const SINKS = ['carbon', 'statsd', 'stdout'] as const;

export const SINK_DESCRIPTION =
  'carbon (timestamped, CARBON_HOST:CARBON_PORT), statsd (gauges for today only; UDP cannot be verified ' +
  'point by point, so the gauges are read back from Graphite, stats.gauges.<prefix>.*, after statsD flushes), ' +
  'stdout (carbon lines)';

/** `--sink` of collect and replay. */
export const sinkOption = {
  type: 'string',
  array: true,
  choices: SINKS,
  default: ['carbon'] as Array<(typeof SINKS)[number]>,
  describe: `Where to write: ${SINK_DESCRIPTION}`,
} as const;

/** `--verify` / `--no-verify` of collect and replay. */
export const verifyOption = {
  type: 'boolean',
  default: true,
  describe:
    'Read every written point back through graphite-web (GRAPHITE_URL) and fail unless it is there with ' +
    'its value (waits up to HEALTHLAKE_VERIFY_WAIT_MS); skipped with a warning when graphite-web does not ' +
    'answer. --no-verify: trust carbon having read every line',
} as const;

/** collect's and replay's checks of the options above together (the command layer makes them exit 3). */
export function validateDeliveryOptions(args: {
  from?: string;
  to?: string;
  json?: boolean;
  'dry-run'?: boolean;
  sink?: readonly string[];
}): void {
  if (args.from !== undefined && args.to !== undefined && args.from > args.to) {
    throw InputError.single(`${args.from} is after --to ${args.to}`, { field: '--from' });
  }
  // Both would write to stdout: the JSON result after the carbon lines is neither. (A dry run with --json
  // prints the result only.)
  if (args.json && !args['dry-run'] && args.sink?.includes('stdout')) {
    throw InputError.single(
      'prints the result on stdout, where --sink stdout prints the carbon lines: use one of them',
      {
        field: '--json',
      },
    );
  }
}
