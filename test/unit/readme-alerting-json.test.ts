import fs from 'node:fs';
import path from 'node:path';
import { comparisonToJson } from '../../src/alerts/compare-report';
import type { RecordedEpisode } from '../../src/alerts/episodes';
import { alertHistoryToJson } from '../../src/alerts/report';
import { prunePlanToJson, type PruneResult } from '../../src/alerts/prune';
import { statusToJson } from '../../src/status/format';
import { summarizeStatuses, type CheckStatus } from '../../src/status/evaluate';

// The README lists every field `status --json`, `alerts --json`, `alerts --prune-before --json` and
// `backtest --compare-alerts --json` print: programs are written against that list.

const README = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
const SECTION = README.slice(
  README.indexOf('## After provisioning: what is alerting, what fired, what would have'),
  README.indexOf('## Dashboards'),
);

/** Every key of an output, at any depth (array elements included). */
function keysOf(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => keysOf(v, out));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      keysOf(v, out);
    }
  return out;
}

const T = Date.UTC(2026, 10, 16, 9, 42);

const checkStatus: CheckStatus = {
  name: 'healthlake:cv:health.steps',
  id: 'abc',
  managed: true,
  env: null,
  status: 'WARN',
  state: 'WARN',
  enabled: true,
  lastCheck: T,
  stale: false,
  since: T,
  sinceExact: true,
  warn: 0.6,
  error: 0.9,
  value: { value: 0.7, series: 's', at: T, source: 'alert', state: 'WARN' },
  series: [{ series: 's', state: 'WARN', value: 0.7, at: T, warn: 0.6, error: 0.9 }],
  links: { seyren: 'x', graph: 'y' },
  declared: { file: 'f', line: 1 },
  drift: ['warn'],
  note: 'n',
};

const episode: RecordedEpisode = {
  checkId: 'abc',
  series: 's',
  start: T,
  startKnown: true,
  end: T,
  worst: 'WARN',
  peak: 1,
  peakAt: T,
  lastValue: 1,
  lastAt: T,
  warn: 0.6,
  error: 0.9,
  alerts: 3,
  notifications: 1,
};

describe('README: the --json fields of status, alerts and --compare-alerts', () => {
  // Names inside inline code: `field`, `list[]` or `{a, b}`.
  const named = new Set(
    [...SECTION.matchAll(/`([^`\n]+)`/g)].flatMap((m) => m[1]!.match(/[A-Za-z]+/g) ?? []),
  );
  const documented = (key: string) => named.has(key);

  it.each([
    [
      'status --json',
      statusToJson({
        generatedAt: T,
        seyrenUrl: 'u',
        graphite: 'answered',
        statuses: [checkStatus],
        summary: summarizeStatuses([checkStatus]),
        alertRequests: 1,
        alertsRead: 1,
      }),
    ],
    [
      'alerts --json',
      alertHistoryToJson(
        {
          since: T,
          until: T,
          checks: 1,
          episodes: [{ ...episode, check: 'c', managed: true }],
          requests: 1,
          alertsRead: 1,
          skipped: 0,
        },
        'u',
      ),
    ],
    [
      'alerts --prune-before --json',
      {
        ...prunePlanToJson({
          beforeMs: T,
          actions: [{ name: 'c', id: 'abc', total: 2, before: 1, oldest: T }],
          unchanged: ['d'],
        }),
        result: {
          checks: 1,
          deleted: 1,
          failures: [{ name: 'c', message: 'm' }],
          remaining: [{ name: 'c', before: 1 }],
        } satisfies PruneResult,
      },
    ],
    [
      'backtest --compare-alerts --json',
      comparisonToJson({
        seyrenUrl: 'u',
        checkId: 'abc',
        recorded: [episode],
        checkCreated: 1,
        oldestAlert: 1,
        comparison: {
          warn: 0.6,
          error: 0.9,
          slack: 86400,
          recordedThresholds: [{ warn: 0.5, error: 0.8 }],
          matched: [
            {
              backtest: { series: 's', start: 1, end: 2, state: 'WARN', peak: 1, notifications: 1 },
              recorded: [episode],
            },
          ],
          missed: [
            {
              backtest: { series: 's', start: 1, end: 2, state: 'WARN', peak: 1, notifications: 1 },
              reason: 'no-alert',
            },
          ],
          noLongerRaised: [{ recorded: episode, reason: 'thresholds-changed', peakNow: 'OK' }],
        },
      }),
    ],
  ])('%s: every field is named in the README', (_name, output) => {
    const missing = [...keysOf(output)].filter((k) => !documented(k));
    expect(missing).toEqual([]);
  });
});
