import { cliOutput as output, helpFor, optionLines } from '../support/cli-output';

/** Every command path the parser knows, found through its own completion (sub-commands included). */
async function commandPaths(prefix: string[] = []): Promise<string[][]> {
  const names = (await output(['--get-yargs-completions', ...prefix, '']))
    .split('\n')
    .filter((n) => n !== '' && !n.startsWith('-') && n !== '$0' && n !== 'completion');
  const paths: string[][] = [];
  for (const name of names) {
    paths.push([...prefix, name]);
    paths.push(...(await commandPaths([...prefix, name])));
  }
  return paths;
}

// Users of a cron tool read --help, not the source: every option the parser knows must be described there.
describe('healthlake --help', () => {
  let paths: string[][];
  beforeAll(async () => {
    paths = await commandPaths();
  });

  it('finds every command and sub-command through the parser', () => {
    expect(paths.map((p) => p.join(' '))).toEqual(
      expect.arrayContaining([
        'collect',
        'replay',
        'stack',
        'stack up',
        'stack down',
        'stack status',
        'provision-checks',
        'render-checks',
        'test-checks',
        'backtest',
        'dashboard',
        'auth',
        'auth status',
        'status',
        'alerts',
        'config',
      ]),
    );
  });

  it('lists every command with a description, and the exit codes', async () => {
    const help = await helpFor([]);
    for (const [command] of paths.filter((p) => p.length === 1))
      expect(help).toMatch(new RegExp(`healthlake ${command}.*\\s{2,}\\S`));
    expect(help).toContain('healthlake completion');
    expect(help).toContain('Exit codes: 0 ok, 1 failure');
  });

  it('every option of every command has a description in its --help', async () => {
    const undescribed: string[] = [];
    let checked = 0;
    for (const path of paths) {
      const options = optionLines(await helpFor(path));
      expect(options.has('help')).toBe(true);
      for (const [name, rest] of options) {
        checked++;
        // the option name, then a description (a word) before any [type] annotation
        if (!/^\s{2,}[A-Za-z("]/.test(rest)) undescribed.push(`${path.join(' ')} --${name}`);
      }
    }
    expect(undescribed).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });

  it('a command whose option lacks a description fails this check', () => {
    const options = optionLines('Options:\n      --foo   [string]\n      --bar  Does bar  [string]');
    expect([...options].filter(([, rest]) => !/^\s{2,}[A-Za-z("]/.test(rest)).map(([n]) => n)).toEqual([
      'foo',
    ]);
  });

  it('every --help shows the global options apart from the command options', async () => {
    const help = await helpFor(['provision-checks']);
    expect(help.indexOf('Options:')).toBeLessThan(help.indexOf('Global options:'));
    expect(help.slice(help.indexOf('Global options:'))).toMatch(/--log-format/);
  });

  it('status --help has the exit-code table and the --json fields; alerts --help the episode fields', async () => {
    const status = (await helpFor(['status'])).replace(/\s+/g, ' ');
    expect(status).toContain(
      'Exit codes: 0 every check OK; 10 a check is WARN (none ERROR); 11 a check is ERROR',
    );
    expect(status).toMatch(/--json prints \{generatedAt, seyrenUrl, graphite, summary: \{checks, OK, WARN/);
    const alerts = (await helpFor(['alerts'])).replace(/\s+/g, ' ');
    expect(alerts).toMatch(
      /episodes: \[\{check, checkId, managed, series, start, startKnown, end, still, worst,/,
    );
  });

  it.each(['collect', 'replay'])(
    '%s --help says how delivery is verified, and that statsD (UDP) cannot be verified point by point',
    async (command) => {
      const help = (await helpFor([command])).replace(/\s+/g, ' ');
      expect(help).toContain('UDP cannot be verified point by point');
      expect(help).toContain('stats.gauges.<prefix>.*');
      expect(help).toContain('Read every written point back through graphite-web');
      expect(help).toContain('--no-verify');
    },
  );

  it('stack --help names the sub-commands and the ports it uses', async () => {
    const help = await helpFor(['stack']);
    expect(help).toMatch(/healthlake stack up\s+Write config/);
    expect(help).toMatch(/healthlake stack down\s+Stop/);
    expect(help).toMatch(/healthlake stack status\s+Show each component/);
    expect(help).toContain('CARBON_PORT');
    expect(help).toContain('graphite-carbon graphite-web gunicorn');
  });
});

describe('defaults a person expects', () => {
  it('`healthlake stack` alone lists its sub-commands', async () => {
    const out = await output(['stack']);
    expect(out).toMatch(/^ {2}healthlake stack up {6}Write config/m);
    expect(out).toMatch(/^ {2}healthlake stack down {4}Stop/m);
    expect(out).toMatch(/^ {2}healthlake stack status {2}Show/m);
  });

  it('`healthlake completion` prints a bash/zsh completion script that asks the CLI itself', async () => {
    const script = await output(['completion']);
    expect(script).toContain('###-begin-healthlake-completions-###');
    expect(script).toContain('--get-yargs-completions');
    expect((await output(['--get-yargs-completions', 'stack', ''])).split('\n')).toEqual([
      'up',
      'down',
      'status',
    ]);
    expect(await output(['--get-yargs-completions', 'provision-checks', '--'])).toContain('--dry-run');
  });
});
