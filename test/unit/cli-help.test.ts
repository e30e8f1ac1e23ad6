import { buildCli } from '../../src/cli';

/** The help text yargs would print for `args`, captured instead of printed. */
function helpFor(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    buildCli(args)
      .exitProcess(false)
      .parse(args, {}, (err, _argv, output) => (err ? reject(err) : resolve(output)));
  });
}

// Every option of every command must be listed with a description in its --help: users of a cron tool
// read --help, not the source.
const COMMANDS: Record<string, string[]> = {
  collect: [
    '--source',
    '--path',
    '--from',
    '--to',
    '--working-days',
    '--sink',
    '--dry-run',
    '--export-timezone',
    '--json',
    '--verify',
  ],
  replay: ['--from', '--to', '--sink', '--time-zone', '--dry-run', '--json', '--verify'],
  stack: ['--json', '--config', '--log-level'],
  'render-checks': ['--checks', '--templates', '--env', '--json', '--expand'],
  'provision-checks': [
    '--checks',
    '--templates',
    '--env',
    '--json',
    '--dry-run',
    '--prune',
    '--validate',
    '--detailed-exitcode',
    '--concurrency',
  ],
  config: ['--json'],
  auth: ['--browser', '--client-file'],
  'test-checks': ['--checks', '--templates', '--json'],
  backtest: [
    '--check',
    '--metric',
    '--heuristic',
    '--target',
    '--param',
    '--warn',
    '--error',
    '--from',
    '--until',
    '--source',
    '--every',
    '--suggest',
    '--max-alerts-per-week',
    '--error-share',
    '--incidents',
    '--incident-slack',
    '--png',
    '--width',
    '--height',
    '--json',
    '--compare-alerts',
    '--compare-slack',
  ],
  status: [
    '--checks',
    '--templates',
    '--env',
    '--json',
    '--all',
    '--nagios',
    '--stale-after',
    '--graphite',
    '--page-size',
    '--concurrency',
  ],
  alerts: [
    '--since',
    '--check',
    '--metric',
    '--all',
    '--env',
    '--json',
    '--page-size',
    '--concurrency',
    '--prune-before',
    '--dry-run',
    '--detailed-exitcode',
  ],
  dashboard: [
    '--checks',
    '--templates',
    '--env',
    '--json',
    '--name',
    '--from',
    '--until',
    '--width',
    '--height',
    '--png',
    '--dry-run',
  ],
};

describe('healthlake --help', () => {
  it('lists every command with a description, and the exit codes', async () => {
    const help = await helpFor(['--help']);
    for (const command of Object.keys(COMMANDS))
      expect(help).toMatch(new RegExp(`healthlake ${command}.*\\s{2,}\\S`));
    expect(help).toContain('Exit codes: 0 ok, 1 failure');
  });

  it.each(Object.entries(COMMANDS))('%s --help describes every option', async (command, options) => {
    const help = await helpFor([command, '--help']);
    for (const option of options) {
      const line = help.split('\n').find((l) => l.trimStart().startsWith(option));
      expect(line).toBeDefined();
      // option name, then at least one word of description after the column gap
      expect(line).toMatch(new RegExp(`${option}\\s{2,}[A-Za-z(]`));
    }
  });

  it('status --help has the exit-code table and the --json fields; alerts --help the episode fields', async () => {
    const status = (await helpFor(['status', '--help'])).replace(/\s+/g, ' ');
    expect(status).toContain(
      'Exit codes: 0 every check OK; 10 a check is WARN (none ERROR); 11 a check is ERROR',
    );
    expect(status).toMatch(/--json prints \{generatedAt, seyrenUrl, graphite, summary: \{checks, OK, WARN/);
    const alerts = (await helpFor(['alerts', '--help'])).replace(/\s+/g, ' ');
    expect(alerts).toMatch(
      /episodes: \[\{check, checkId, managed, series, start, startKnown, end, still, worst,/,
    );
  });

  it.each(['collect', 'replay'])(
    '%s --help says how delivery is verified, and that statsD (UDP) cannot be verified point by point',
    async (command) => {
      const help = (await helpFor([command, '--help'])).replace(/\s+/g, ' ');
      expect(help).toContain('UDP cannot be verified point by point');
      expect(help).toContain('stats.gauges.<prefix>.*');
      expect(help).toContain('Read every written point back through graphite-web');
      expect(help).toContain('--no-verify');
    },
  );

  it('stack --help names the actions and the ports it uses', async () => {
    const help = await helpFor(['stack', '--help']);
    expect(help).toMatch(/choices: "up", "down", "status"/);
    expect(help).toContain('CARBON_PORT');
    expect(help).toContain('graphite-carbon graphite-web gunicorn');
  });
});
