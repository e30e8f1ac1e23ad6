import fs from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import type { GlobalOptions } from '../cli';
import { backtest, type BacktestSource } from '../backtest/backtest';
import { loadIncidents } from '../backtest/incidents';
import { renderThresholdPng } from '../backtest/png';
import { backtestToJson, formatBacktestText } from '../backtest/report';
import { resolveBacktestCheck } from '../backtest/resolve-check';
import { GraphiteClient } from '../clients/graphite';
import { InputError } from '../errors';
import { lazySpecs } from '../evaluator/check-tests';
import { parseTimeOffset } from '../evaluator/time-offset';
import { BUILTIN_TEMPLATES_DIR, loadTemplates } from '../templates/registry';
import { RESOLUTIONS, type Resolution } from '../templates/template';
import { parseTimePoint as historyTime } from '../util/time-point';
import { comparisonJson, comparisonWithSeyren, formatComparisonText } from '../alerts/compare-report';
import { BUILTIN_CHECKS_DIR } from './check-options';
import { commandContext, requireSeyrenUrl } from './context';

interface BacktestArgs extends GlobalOptions {
  check?: string;
  metric?: string;
  heuristic?: string;
  target?: string;
  param: string[];
  resolution?: Resolution;
  env?: string;
  warn?: number;
  error?: number;
  'check-from'?: string;
  from: string;
  until: string;
  source: BacktestSource;
  every?: string;
  suggest: boolean;
  'max-alerts-per-week': number;
  'error-share': number;
  incidents?: string;
  'incident-slack': string;
  png?: string;
  width: number;
  height: number;
  checks: string;
  templates: string;
  json: boolean;
  'compare-alerts': boolean;
  'compare-slack'?: string;
}

export const backtestCommand: CommandModule<GlobalOptions, BacktestArgs> = {
  command: 'backtest',
  describe:
    'Replay a check over its history: when it would have gone WARN/ERROR, alerts per week, suggested thresholds',
  builder: (y: Argv<GlobalOptions>) =>
    y
      .option('check', {
        type: 'string',
        describe: 'A declared check, e.g. healthlake:timeshift:health.steps',
      })
      .option('metric', {
        type: 'string',
        describe: 'The metric (with --heuristic), or the concrete series of a glob check',
      })
      .option('heuristic', {
        type: 'string',
        describe: 'A template name (cv, timeshift, holtwinters, …), with --metric',
      })
      .option('target', { type: 'string', describe: 'A raw Graphite target instead of a heuristic' })
      .option('param', {
        type: 'string',
        array: true,
        default: [],
        describe: 'Template parameter, e.g. --param window=7',
      })
      .option('resolution', {
        type: 'string',
        choices: RESOLUTIONS,
        describe: 'Template defaults for an undeclared metric (default daily)',
      })
      .option('env', { type: 'string', describe: 'The environment of a check declared for several' })
      .option('warn', { type: 'number', describe: 'WARN threshold (default: the declared one)' })
      .option('error', { type: 'number', describe: 'ERROR threshold (default: the declared one)' })
      .option('check-from', {
        type: 'string',
        describe: "The check's own range start, e.g. -30d (default: declared or template)",
      })
      .option('from', {
        type: 'string',
        default: '-90d',
        describe: 'Start of the history: -90d, a date (2026-08-01) or epoch seconds',
      })
      .option('until', {
        type: 'string',
        default: 'now',
        describe: 'End of the history: now, -1d, a date or epoch seconds',
      })
      .option('source', {
        type: 'string',
        choices: ['graphite', 'replay'] as const,
        default: 'graphite' as BacktestSource,
        describe:
          "graphite: graphite-web renders the target over the history; replay: healthlake's evaluator runs the check at every evaluation time over its own range, from raw data fetched once",
      })
      .option('every', {
        type: 'string',
        describe: 'With --source replay: time between evaluations (default: the metric step)',
      })
      .option('suggest', {
        type: 'boolean',
        default: false,
        describe: 'Propose warn/error from the distribution for the alert budget',
      })
      .option('max-alerts-per-week', {
        type: 'number',
        default: 1,
        describe: 'Alert budget for --suggest (WARN and ERROR notifications)',
      })
      .option('error-share', {
        type: 'number',
        default: 0.25,
        describe: 'Share of the budget ERROR alone may use (--suggest)',
      })
      .option('incidents', {
        type: 'string',
        describe: 'File of known trouble: one YYYY-MM-DD[..YYYY-MM-DD] [description] per line',
      })
      .option('incident-slack', {
        type: 'string',
        default: '0s',
        describe: 'How long after an incident an alert still counts as catching it',
      })
      .option('png', {
        type: 'string',
        describe: "Write graphite-web's PNG of the values with the thresholds as constantLines",
      })
      .option('width', { type: 'number', default: 1000, describe: 'PNG width in pixels' })
      .option('height', { type: 'number', default: 400, describe: 'PNG height in pixels' })
      .option('checks', {
        type: 'string',
        default: BUILTIN_CHECKS_DIR,
        defaultDescription: 'the bundled checks/',
        describe: 'Folder of check definitions',
      })
      .option('templates', {
        type: 'string',
        default: BUILTIN_TEMPLATES_DIR,
        defaultDescription: 'the bundled templates/',
        describe: 'Folder of target templates',
      })
      .option('json', { type: 'boolean', default: false, describe: 'Print JSON on stdout' })
      .option('compare-alerts', {
        type: 'boolean',
        default: false,
        describe:
          "Put Seyren's recorded alert episodes of the check beside the backtest's: what Seyren missed, what the thresholds no longer raise (SEYREN_URL)",
      })
      .option('compare-slack', {
        type: 'string',
        describe:
          'With --compare-alerts: how far apart two episodes may be and still count as one (default: one evaluation step)',
      })
      .example(
        '$0 backtest --check healthlake:timeshift:health.steps --from -90d',
        'alerts of a declared check over 90 days',
      )
      .example(
        '$0 backtest --metric health.steps --heuristic cv --suggest --max-alerts-per-week 0.5 --png cv.png',
        'suggest thresholds',
      )
      .epilog(
        'An alert is a change of a series into WARN or ERROR (Seyren notifies each). Environment: GRAPHITE_URL, ' +
          'optional GRAPHITE_AUTH_HEADER or GRAPHITE_USER+GRAPHITE_PASSWORD.',
      ) as Argv<BacktestArgs>,
  handler: async (argv) => {
    const { config, log } = commandContext(argv);
    const compare = argv['compare-alerts']
      ? comparisonWithSeyren(
          { seyrenUrl: requireSeyrenUrl(config), auth: config.seyrenAuth, logger: log },
          argv['compare-slack'],
        )
      : undefined;
    const templates = loadTemplates(argv.templates);
    const check = resolveBacktestCheck(
      {
        check: argv.check,
        metric: argv.metric,
        heuristic: argv.heuristic,
        target: argv.target,
        env: argv.env,
        params: parseParams(argv.param),
        resolution: argv.resolution,
        warn: argv.warn,
        error: argv.error,
        checkFrom: argv['check-from'],
      },
      { templates, specs: lazySpecs(argv.checks, templates, config.prefix) },
    );
    const now = Math.floor(Date.now() / 1000);
    const window = {
      from: historyTime(argv.from, now, 'from'),
      until: historyTime(argv.until, now, 'until'),
    };
    if (window.until <= window.from)
      throw InputError.single('--until must be after --from', { field: 'until' });
    if (!argv.suggest && (check.warn === undefined || check.error === undefined)) {
      throw InputError.single(`${check.name} is not declared: give --warn and --error, or --suggest`);
    }
    const incidents = argv.incidents ? loadIncidents(argv.incidents) : undefined;
    const graphite = new GraphiteClient({
      baseUrl: config.graphiteUrl,
      auth: config.graphiteAuth,
      logger: log,
    });
    const result = await backtest(
      check,
      {
        ...window,
        source: argv.source,
        every: argv.every !== undefined ? durationOption(argv.every, 'every') : undefined,
        suggest: argv.suggest
          ? { maxAlertsPerWeek: argv['max-alerts-per-week'], errorShare: argv['error-share'] }
          : undefined,
        incidents,
        incidentSlack: durationOption(argv['incident-slack'], 'incident-slack'),
      },
      graphite,
    );
    if (argv.png) {
      const thresholds = result.suggestion ?? result.current;
      if (thresholds) {
        const png = await renderThresholdPng(graphite, check, thresholds, window, {
          width: argv.width,
          height: argv.height,
        });
        fs.writeFileSync(argv.png, png);
        log.info({ file: argv.png, bytes: png.length }, 'wrote the PNG graphite-web rendered');
      }
    }
    const fired = await compare?.(result);
    if (argv.json)
      console.log(JSON.stringify({ ...backtestToJson(result), ...comparisonJson(fired) }, null, 2));
    else
      console.log(
        formatBacktestText(result) +
          (argv.png ? `\n\nPNG (rendered by graphite-web): ${argv.png}` : '') +
          (fired ? `\n\n${formatComparisonText(fired)}` : ''),
      );
  },
};

function parseParams(params: string[]): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const p of params) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/.exec(p);
    if (!m) throw InputError.single(`--param must be name=value, got "${p}"`, { field: 'param' });
    const value = m[2] as string;
    out[m[1] as string] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  return out;
}

function durationOption(text: string, field: string): number {
  try {
    return Math.abs(parseTimeOffset(text));
  } catch (err) {
    throw InputError.single((err as Error).message, { field });
  }
}
