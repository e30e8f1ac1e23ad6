import fs from 'node:fs';
import { backtest } from '../backtest/backtest';
import { loadIncidents } from '../backtest/incidents';
import { renderThresholdPng } from '../backtest/png';
import { backtestToJson, formatBacktestText } from '../backtest/report';
import { comparisonJson, comparisonWithSeyren, formatComparisonText } from '../alerts/compare-report';
import { resolveBacktestCheck } from '../backtest/resolve-check';
import { InputError } from '../errors';
import { lazySpecs } from '../evaluator/check-tests';
import { loadTemplates } from '../templates/registry';
import { RESOLUTIONS } from '../templates/template';
import { epochOf } from '../time';
import { defineCommand } from '../cli/define-command';
import { resolveCheckFolders } from '../cli/check-folders';
import {
  checkSourceOptions,
  choiceOption,
  durationOption,
  jsonOption,
  numberOption,
  outputFileOption,
  pixelsOption,
  relativeTimeOption,
  timePointOption,
} from '../cli/options';

const threshold = (describe: string) => numberOption(describe);

export const backtestCommand = defineCommand({
  command: 'backtest',
  describe:
    'Replay a check over its history: when it would have gone WARN/ERROR, alerts per week, suggested thresholds',
  options: {
    check: {
      type: 'string',
      requiresArg: true,
      describe: 'A declared check, e.g. healthlake:timeshift:health.steps',
    },
    metric: {
      type: 'string',
      requiresArg: true,
      describe: 'The metric (with --heuristic), or the concrete series of a glob check',
    },
    heuristic: {
      type: 'string',
      requiresArg: true,
      describe: 'A template name (cv, timeshift, holtwinters, …), with --metric',
    },
    target: { type: 'string', requiresArg: true, describe: 'A raw Graphite target instead of a heuristic' },
    param: {
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'Template parameter, e.g. --param window=7',
      coerce: parseParams,
    },
    resolution: {
      ...choiceOption('Template defaults for an undeclared metric', RESOLUTIONS),
      defaultDescription: 'daily',
    },
    ...checkSourceOptions,
    env: { ...checkSourceOptions.env, describe: 'The environment of a check declared for several' },
    warn: threshold('WARN threshold (default: the declared one)'),
    error: threshold('ERROR threshold (default: the declared one)'),
    'check-from': relativeTimeOption(
      "The check's own range start, e.g. -30d (default: declared or template)",
    ),
    from: {
      ...timePointOption('Start of the history: -90d, a date (2026-08-01) or epoch seconds'),
      default: '-90d',
    },
    until: { ...timePointOption('End of the history: now, -1d, a date or epoch seconds'), default: 'now' },
    source: {
      ...choiceOption(
        "graphite: graphite-web renders the target over the history; replay: healthlake's evaluator runs the check at every evaluation time over its own range, from raw data fetched once",
        ['graphite', 'replay'],
      ),
      default: 'graphite',
    },
    every: durationOption(
      'With --source replay: time between evaluations, e.g. 1h (default: the metric step)',
    ),
    suggest: {
      type: 'boolean',
      default: false,
      describe: 'Propose warn/error from the distribution for the alert budget',
    },
    'max-alerts-per-week': {
      ...numberOption('Alert budget for --suggest (WARN and ERROR notifications)', { min: 0 }),
      default: 1,
    },
    'error-share': {
      ...numberOption('Share of the budget ERROR alone may use (--suggest)', { min: 0, max: 1 }),
      default: 0.25,
    },
    incidents: {
      type: 'string',
      requiresArg: true,
      describe: 'File of known trouble: one YYYY-MM-DD[..YYYY-MM-DD] [description] per line',
    },
    'incident-slack': {
      ...durationOption('How long after an incident an alert still counts as catching it', {
        allowZero: true,
      }),
      default: '0s',
    },
    png: outputFileOption("Write graphite-web's PNG of the values with the thresholds as constantLines"),
    width: { ...pixelsOption('PNG width in pixels'), default: 1000 },
    height: { ...pixelsOption('PNG height in pixels'), default: 400 },
    json: jsonOption(),
    'compare-alerts': {
      type: 'boolean',
      default: false,
      describe:
        "Put Seyren's recorded alert episodes of the check beside the backtest's: what Seyren missed, what the thresholds no longer raise (SEYREN_URL)",
    },
    'compare-slack': durationOption(
      'With --compare-alerts: how far apart two episodes may be and still count as one (default: one evaluation step)',
    ),
  },
  examples: [
    [
      '$0 backtest --check healthlake:timeshift:health.steps --from -90d',
      'alerts of a declared check over 90 days',
    ],
    [
      '$0 backtest --metric health.steps --heuristic cv --suggest --max-alerts-per-week 0.5 --png cv.png',
      'suggest thresholds',
    ],
    [
      '$0 backtest --check healthlake:cv:health.steps --from 2026-08-18 --until -1d --source replay --every 1d',
      "replay Seyren's runs day by day with the local evaluator",
    ],
  ],
  epilog:
    'An alert is a change of a series into WARN or ERROR (Seyren notifies each). Environment: GRAPHITE_URL, ' +
    'optional GRAPHITE_AUTH_HEADER or GRAPHITE_USER+GRAPHITE_PASSWORD.',
  validate: (args) => {
    const now = Math.floor(Date.now() / 1000);
    if (epochOf(args.until, now) <= epochOf(args.from, now))
      throw InputError.single('must be after --from', { field: '--until' });
  },
  handler: async (args, ctx) => {
    const { config, log } = ctx;
    const compare = args['compare-alerts']
      ? comparisonWithSeyren(ctx.clients.seyren(), ctx.clients.seyrenUrl(), args['compare-slack'])
      : undefined;
    const folders = resolveCheckFolders(args, ctx);
    const templates = loadTemplates(folders.templates);
    const check = resolveBacktestCheck(
      {
        check: args.check,
        metric: args.metric,
        heuristic: args.heuristic,
        target: args.target,
        env: args.env,
        params: args.param,
        resolution: args.resolution,
        warn: args.warn,
        error: args.error,
        checkFrom: args['check-from'],
      },
      { templates, specs: lazySpecs(folders.checks, templates, config.prefix) },
    );
    const now = Math.floor(Date.now() / 1000);
    const window = { from: epochOf(args.from, now), until: epochOf(args.until, now) };
    if (!args.suggest && (check.warn === undefined || check.error === undefined)) {
      throw InputError.single(`${check.name} is not declared: give --warn and --error, or --suggest`);
    }
    const incidents = args.incidents ? loadIncidents(args.incidents) : undefined;
    const graphite = ctx.clients.graphite();
    const result = await backtest(
      check,
      {
        ...window,
        source: args.source,
        every: args.every,
        suggest: args.suggest
          ? { maxAlertsPerWeek: args['max-alerts-per-week'], errorShare: args['error-share'] }
          : undefined,
        incidents,
        incidentSlack: args['incident-slack'],
      },
      graphite,
    );
    if (args.png) {
      const thresholds = result.suggestion ?? result.current;
      if (thresholds) {
        const png = await renderThresholdPng(graphite, check, thresholds, window, {
          width: args.width,
          height: args.height,
        });
        fs.writeFileSync(args.png, png);
        log.info({ file: args.png, bytes: png.length }, 'wrote the PNG graphite-web rendered');
      }
    }
    const fired = await compare?.(result);
    if (args.json)
      console.log(JSON.stringify({ ...backtestToJson(result), ...comparisonJson(fired) }, null, 2));
    else
      console.log(
        formatBacktestText(result) +
          (args.png ? `\n\nPNG (rendered by graphite-web): ${args.png}` : '') +
          (fired ? `\n\n${formatComparisonText(fired)}` : ''),
      );
  },
});

function parseParams(params: readonly string[]): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const p of params) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/.exec(p);
    if (!m) throw new Error(`must be name=value, got "${p}"`);
    const value = m[2] as string;
    out[m[1] as string] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  return out;
}
