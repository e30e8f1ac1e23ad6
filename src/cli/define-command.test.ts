import { HealthlakeError } from '../errors';
import { parseCommandLine } from '../../test/support/parse-cli';

describe('the command layer', () => {
  it('hands the handler typed values: coerced options, defaults, positionals', async () => {
    const { command, args } = await parseCommandLine([
      'backtest',
      '--check',
      'healthlake:cv:health.steps',
      '--from',
      '-90d',
    ]);
    expect(command).toBe('backtest');
    expect(args.from).toEqual({ kind: 'relative', seconds: -90 * 86400 });
    expect(args.until).toEqual({ kind: 'now' });
    expect(args['max-alerts-per-week']).toBe(1);
    expect(args.param).toEqual({});
    const tests = await parseCommandLine(['test-checks', 'a.yaml', 'b.yaml']);
    expect(tests.args.files).toEqual(['a.yaml', 'b.yaml']);
  });

  it('takes a value that starts with "-" as the value of an option that needs one', async () => {
    const { args } = await parseCommandLine(['dashboard', '--from', '-12weeks', '--until', '-1d']);
    expect(args.from).toEqual({ kind: 'relative', seconds: -12 * 7 * 86400 });
    expect(args.until).toEqual({ kind: 'relative', seconds: -86400 });
  });

  it('runs the sub-command of a group, and the listing without one', async () => {
    expect((await parseCommandLine(['stack', 'up', '--json'])).command).toBe('up');
    expect((await parseCommandLine(['stack'])).command).toBe('$0');
    expect((await parseCommandLine(['auth', '--no-browser'])).args.browser).toBe(false);
  });

  it.each([
    [
      ['provision-checks', '--dry-rn'],
      'unknown option --dry-rn; did you mean --dry-run? (see "healthlake provision-checks --help")',
    ],
    [['colect'], 'unknown command "colect"; did you mean collect? (see "healthlake --help")'],
    [['stack', 'upp'], 'unexpected argument "upp"; did you mean up? (see "healthlake stack --help")'],
    [['backtest', '--from'], '--from needs a value (see "healthlake backtest --help")'],
    [['replay', '--from', '2026-11-01'], 'missing --to (see "healthlake replay --help")'],
    [
      ['collect', '--source', 'fitbit'],
      '--source: "fitbit" is not allowed (choose takeout, sample, google-health) (see "healthlake collect --help")',
    ],
    [['backtest', '--warn', 'abc'], '--warn: must be a number (see "healthlake backtest --help")'],
    [
      [],
      'name a command: collect, replay, stack, provision-checks, render-checks, test-checks, backtest, status, alerts, dashboard, auth, config (see "healthlake --help")',
    ],
  ])('%j is a usage error on one line: %s', async (argv, message) => {
    const err = await parseCommandLine(argv).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HealthlakeError);
    expect((err as HealthlakeError).exitCode).toBe(3);
    expect((err as HealthlakeError).message).toBe(message);
  });
});
