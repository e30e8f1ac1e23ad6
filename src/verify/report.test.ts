import type { PointProblem, ReadBackReport } from './read-back';
import { deliveryPhrase, formatVerificationFailure, verificationJson } from './report';

const DAY = 86400;
const day = (date: string) => Date.parse(`${date}T00:00:00Z`) / 1000;

function report(problems: PointProblem[], extra: Partial<ReadBackReport> = {}): ReadBackReport {
  return {
    written: 709,
    confirmed: 709 - problems.length,
    notYetReadable: 0,
    problems,
    elapsedMs: 1500,
    ...extra,
  };
}

const context = {
  channel: 'carbon' as const,
  graphiteUrl: 'http://graphite:8080',
  prefix: 'me.health',
  waitMs: 60_000,
  replay: { from: '2026-08-18', to: '2026-08-23' },
};

describe('formatVerificationFailure', () => {
  it('names each cause once with its fix, then metric, day and both values, then the replay command', () => {
    const keepsFrom = Math.floor(Date.now() / 1000) - 30 * DAY;
    const retention = (path: string, date: string, expected: number): PointProblem => ({
      path,
      timestamp: day(date),
      expected,
      actual: undefined,
      cause: { kind: 'retention', keepsFrom },
    });
    const text = formatVerificationFailure(
      report([
        retention('me.health.steps', '2026-08-18', 8421),
        retention('me.health.steps', '2026-08-19', 9020),
        retention('me.health.steps', '2026-08-20', 7001),
        retention('me.health.steps', '2026-08-21', 7002),
        retention('me.health.steps', '2026-08-22', 7003),
        {
          path: 'me.health.worked',
          timestamp: day('2026-08-23'),
          expected: 1,
          actual: 0,
          cause: { kind: 'different' },
        },
      ]),
      context,
    );
    const when = new Date(keepsFrom * 1000).toISOString().slice(0, 16).replace('T', ' ');
    expect(text).toBe(
      'Graphite confirmed 703 of 709 points written to carbon (read back through http://graphite:8080, 1.5 s); ' +
        '6 are not there as sent:\n' +
        `- 5 points: the storage schema keeps these metrics for 30 days only (from ${when} UTC on), and whisper ` +
        "drops a point older than its file's retention without a trace: give the daily metrics a schema of their " +
        'own before the catch-all in storage-schemas.conf (`[healthlake_daily]`, `pattern = ^me\\.health\\.`, ' +
        "`retentions = 1d:10y`); a schema applies only when a metric's file is created, so delete or " +
        'whisper-resize the existing files, then replay (README: "Graphite storage advice")\n' +
        '    me.health.steps 2026-08-18: sent 8421, Graphite has none\n' +
        '    me.health.steps 2026-08-19: sent 9020, Graphite has none\n' +
        '    me.health.steps 2026-08-20: sent 7001, Graphite has none\n' +
        '    me.health.steps: 2 more days up to 2026-08-22\n' +
        '- 1 point: Graphite holds another value for the day: another writer sent the same metric and day after ' +
        'this run, or the storage aggregation changed it\n' +
        '    me.health.worked 2026-08-23: sent 1, Graphite has 0\n' +
        'Nothing is lost: the data is safe in the archive. Once Graphite keeps them, run ' +
        '`healthlake replay --from 2026-08-18 --to 2026-08-23` to send it.',
    );
  });

  it('for a metric Graphite never created, names a carbon-cache down behind a relay, the create throttle and the blacklist', () => {
    const text = formatVerificationFailure(
      report([
        {
          path: 'me.health.steps',
          timestamp: day('2026-08-18'),
          expected: 1,
          actual: undefined,
          cause: { kind: 'no-metric' },
        },
      ]),
      context,
    );
    expect(text).toContain(
      '- 1 point: Graphite has no such metric 60 s after the write: no carbon-cache that this graphite-web ' +
        'reads has created its whisper file. Behind a relay, the carbon-cache these names are routed to may be ' +
        'down or unreachable: the relay then holds the points in its queue, delivers them once that cache is ' +
        'back, and drops them once the queue is full (its log says so). Otherwise the relay routes them to a ' +
        'carbon-cache this graphite-web does not read, or carbon threw them away: its create throttle ' +
        '(MAX_CREATES_PER_MINUTE in carbon.conf, Debian ships 50) drops the points of every new metric over ' +
        'the limit without a log line (set it to inf), and so does its blacklist\n',
    );
    expect(text).toContain('me.health.steps 2026-08-18: sent 1, Graphite has none');
  });

  it('for a day missing from a metric Graphite has, names a carbon-cache down behind a relay and the wait', () => {
    const text = formatVerificationFailure(
      report([
        {
          path: 'me.health.steps',
          timestamp: day('2026-08-18'),
          expected: 1,
          actual: null,
          cause: { kind: 'missing' },
        },
      ]),
      { ...context, waitMs: 10_000 },
    );
    expect(text).toContain(
      '- 1 point: Graphite has no value for the day 10 s after the write: carbon did not store it, or not ' +
        'yet. Behind a relay, the carbon-cache this metric is routed to may be down or unreachable: the relay ' +
        'then holds the points in its queue, delivers them once that cache is back, and drops them once the ' +
        'queue is full (its log says so); or the relay buffers longer than HEALTHLAKE_VERIFY_WAIT_MS\n' +
        '    me.health.steps 2026-08-18: sent 1, Graphite has none\n',
    );
  });

  it('says what to fix for xFilesFactor and for a step coarser than a day', () => {
    const at = { path: 'me.health.steps', timestamp: day('2026-08-18'), expected: 1, actual: null };
    expect(
      formatVerificationFailure(
        report([{ ...at, cause: { kind: 'rollup', step: DAY, fineStep: 60 } }]),
        context,
      ),
    ).toContain('the points are in the 1m archive but empty in the 1d archive');
    expect(
      formatVerificationFailure(
        report([{ ...at, cause: { kind: 'rollup', step: DAY, fineStep: 60 } }]),
        context,
      ),
    ).toContain('Set `xFilesFactor = 0` and `aggregationMethod = last`');
    expect(
      formatVerificationFailure(report([{ ...at, cause: { kind: 'coarse-step', step: 7 * DAY } }]), context),
    ).toContain('Graphite stores these metrics at a 7d step, coarser than a day');
  });

  it('words statsD gauges as sent, since the send, and replays them through statsD', () => {
    const text = formatVerificationFailure(
      report(
        [
          {
            path: 'stats.gauges.me.health.steps',
            timestamp: 1_796_000_000,
            expected: 1200,
            actual: null,
            cause: { kind: 'missing' },
          },
        ],
        { written: 8, confirmed: 7 },
      ),
      {
        ...context,
        channel: 'statsd',
        replay: { from: '2026-12-01', to: '2026-12-01' },
        replayOptions: '--sink statsd --time-zone Europe/Berlin',
      },
    );
    expect(text).toBe(
      'Graphite confirmed 7 of 8 gauges sent to statsD (read back through http://graphite:8080, 1.5 s); 1 is not there as sent:\n' +
        '- 1 point: no value since the send after 60 s: statsD has not flushed it to this Graphite\n' +
        '    stats.gauges.me.health.steps since the send: sent 1200, Graphite has none\n' +
        'Nothing is lost: the data is safe in the archive. Once statsD flushes to this Graphite, run ' +
        '`healthlake replay --from 2026-12-01 --to 2026-12-01 --sink statsd --time-zone Europe/Berlin` to send it.',
    );
  });
});

describe('deliveryPhrase', () => {
  const confirmed = report([]);
  it('says how many points carbon took and Graphite confirmed', () => {
    expect(deliveryPhrase(709, { carbon: 709 }, { carbon: confirmed })).toBe(
      '709 points written, 709 confirmed in Graphite',
    );
    expect(
      deliveryPhrase(
        709,
        { carbon: 709, statsd: 8 },
        { carbon: confirmed, statsd: report([], { written: 8, confirmed: 8 }) },
      ),
    ).toBe(
      '709 points written (709 to carbon, 8 to statsd), 709 confirmed in Graphite, 8 statsD gauges seen in Graphite',
    );
    expect(
      deliveryPhrase(
        2,
        { carbon: 2 },
        { carbon: report([], { written: 2, confirmed: 1, notYetReadable: 1 }) },
      ),
    ).toBe('2 points written, 1 confirmed in Graphite (1 dated after now, not readable yet)');
  });

  it('says when and why nothing was verified, and leaves a dry run as it was', () => {
    expect(deliveryPhrase(709, { carbon: 709 }, { skipped: '--no-verify' })).toBe(
      '709 points written, not verified (--no-verify)',
    );
    expect(deliveryPhrase(15, { stdout: 15 }, {})).toBe('15 points (15 to stdout)');
    expect(deliveryPhrase(15, {}, {})).toBe('15 points (not sent)');
  });
});

describe('verificationJson', () => {
  it('gives the counts per channel for --json, or why nothing was read back', () => {
    expect(verificationJson({ carbon: report([]) })).toEqual({
      skipped: null,
      carbon: { written: 709, confirmed: 709, notYetReadable: 0, ms: 1500 },
      statsd: null,
    });
    expect(verificationJson({ skipped: '--no-verify' })).toEqual({
      skipped: '--no-verify',
      carbon: null,
      statsd: null,
    });
  });
});
