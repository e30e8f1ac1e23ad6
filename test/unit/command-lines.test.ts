import fs from 'node:fs';
import path from 'node:path';
import { resolveBacktestCheck } from '../../src/backtest/resolve-check';
import { BUILTIN_CHECKS_DIR, loadCheckSpecs } from '../../src/checks/definitions';
import { desiredChecks } from '../../src/checks/desired';
import { COMMANDS } from '../../src/commands';
import { loadTemplates } from '../../src/templates/registry';
import type { HealthlakeCommand } from '../../src/cli/define-command';
import { helpFor, optionLines } from '../support/cli-output';
import { parseCommandLine } from '../support/parse-cli';

/**
 * Every `healthlake …` command line a user can copy, from README.md and from each command's --help examples,
 * goes through the real parser (options, coercions, choices, strict mode, cross-option checks): a documented
 * line that does not parse fails here. Synopses in the README (`[--from D]`, `up|down|status`) are not
 * command lines; for them, every option they name must exist on that command.
 */

const README = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');

/** Splits a shell line into words (single and double quotes; no expansion). */
function shellWords(text: string): string[] {
  const words: string[] = [];
  for (const m of text.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3] ?? '');
  return words;
}

/**
 * The arguments of a shell line that runs healthlake (`healthlake …`, `npx healthlake …`, `/path/to/healthlake …`,
 * a crontab line or `ExecStart=…`), up to a comment, pipe, redirection or `&&`; undefined for other lines.
 */
function argumentsOf(line: string): string[] | undefined {
  let rest = line.trim().replace(/^\$\s+/, '');
  if (/^[\d*][\d*/,-]*(\s+[\d*][\d*/,-]*){4}\s/.test(rest)) rest = rest.replace(/^(\S+\s+){5}/, ''); // crontab
  rest = rest.replace(/^ExecStart=/, '').replace(/^([A-Z_]+=\S*\s+)+/, ''); // VAR=value prefixes
  const m = /^(?:npx\s+|\S*\/)?healthlake(?:\s+(.*))?$/.exec(rest);
  if (!m) return undefined;
  const command = (m[1] ?? '').split(/\s+#|\s*\|\s|\s*[12]?>>?|\s*&&|\s*;/)[0] ?? '';
  return shellWords(command.trim());
}

/** Placeholders and alternatives mark a synopsis: `D`, `FILE`, `[--png DIR]`, `up|down`, `…`. */
const isSynopsis = (words: string[]) =>
  words.some((w) => /^[A-Z][A-Z_]*$/.test(w) || /[[\]|…()<>]/.test(w) || w === '...');

interface Found {
  line: string;
  args: string[];
}

function readmeCommandLines(): { lines: Found[]; synopses: Found[] } {
  const lines: Found[] = [];
  const synopses: Found[] = [];
  const add = (line: string) => {
    const args = argumentsOf(line.replace(/\\\|/g, '|'));
    if (!args || args.length === 0) return;
    (isSynopsis(args) ? synopses : lines).push({ line: line.trim(), args });
  };
  // Lines of fenced code blocks (sh, cron, ini), then inline code spans of the prose and tables.
  for (const block of README.matchAll(/```[a-z]*\n([\s\S]*?)```/g))
    for (const l of (block[1] ?? '').split('\n')) add(l);
  const prose = README.replace(/```[a-z]*\n[\s\S]*?```/g, '');
  for (const span of prose.matchAll(/`([^`\n]*healthlake [^`\n]*)`/g)) add(span[1] ?? '');
  return { lines, synopses };
}

function helpExamples(commands: readonly HealthlakeCommand[]): string[] {
  return commands.flatMap((c) => [
    ...c.info.examples.map((e) => e.replace(/^\$0 /, 'healthlake ')),
    ...helpExamples(c.info.subcommands),
  ]);
}

const readme = readmeCommandLines();
const examples = helpExamples(COMMANDS);

describe('documented command lines parse', () => {
  it('finds the README lines and the --help examples', () => {
    expect(readme.lines.length).toBeGreaterThan(15);
    expect(examples.length).toBeGreaterThan(10);
  });

  it.each(readme.lines.map((f) => [f.line, f.args] as const))('README: %s', async (_line, args) => {
    // `healthlake replay` in a sentence names a command rather than showing a command line: it must exist
    const named = args.every((w) => /^[a-z][a-z-]*$/.test(w));
    const line = named ? [...args, '--help'] : [...args];
    await expect(parseCommandLine(line)).resolves.toMatchObject({ command: expect.any(String) });
  });

  it.each(examples)('--help example: %s', async (line) => {
    await expect(parseCommandLine(argumentsOf(line) ?? [])).resolves.toMatchObject({
      command: expect.any(String),
    });
  });

  it.each(readme.synopses.map((f) => [f.line, f.args] as const))(
    'README synopsis names only options its command has: %s',
    async (_line, args) => {
      // `stack up|down|status [--json]`: the options must exist on each alternative sub-command.
      const [command = '', second = ''] = args;
      const group = await helpFor([command]);
      const subcommands = second.split('|').filter((s) => group.includes(`healthlake ${command} ${s} `));
      const helps = subcommands.length
        ? await Promise.all(subcommands.map((s) => helpFor([command, s])))
        : [group];
      const named = args.flatMap((w) =>
        [...w.matchAll(/--(?:no-)?([a-z][\w-]*)/g)].map((m) => m[1] as string),
      );
      // `stack up|down|status [--nodes N]`: each option must exist on at least one of the alternatives
      const known = helps.map(optionLines);
      expect(named.filter((o) => !known.some((k) => k.has(o)))).toEqual([]);
    },
  );
});

describe('options whose value starts with "-"', () => {
  // Every command that takes a time or an offset reads `-90d`, `-12weeks`, `-1d` as the value.
  it.each([
    [['backtest', '--check', 'healthlake:cv:health.steps', '--from', '-90d']],
    [['backtest', '--check', 'healthlake:cv:health.steps', '--from', '-12weeks', '--until', '-1d']],
    [['backtest', '--check', 'healthlake:cv:health.steps', '--check-from', '-30d']],
    [['dashboard', '--from', '-90d']],
    [['dashboard', '--from', '-12weeks', '--until', '-1d']],
  ])('%j', async (argv) => {
    const { args } = await parseCommandLine(argv);
    const from = args.from as { kind: string; seconds?: number };
    expect(from.kind).toBe('relative');
    expect(from.seconds).toBeLessThan(0);
  });

  it('covers every option built as a time point', async () => {
    const timeOptions = COMMANDS.flatMap((c) =>
      c.info.options
        .filter((o) => ['from', 'until', 'check-from'].includes(o))
        .map((o) => `${c.info.name} --${o}`),
    );
    expect(timeOptions.sort()).toEqual(
      [
        'backtest --check-from',
        'backtest --from',
        'backtest --until',
        'collect --from',
        'dashboard --from',
        'dashboard --until',
        'replay --from',
      ].sort(),
    );
  });
});

describe('the replay command in every check description', () => {
  it('parses, and selects exactly the check it describes', async () => {
    const templates = loadTemplates();
    const specs = loadCheckSpecs(BUILTIN_CHECKS_DIR, templates, { prefix: 'health' });
    // one concrete series per glob, as Graphite would expand it
    const checks = await desiredChecks(specs, async (glob) => [glob.replace('*', '1')]);
    expect(checks.length).toBeGreaterThan(15);
    for (const check of checks) {
      const line = /Replay its history: (.*)$/.exec(check.description)?.[1] ?? '';
      const { args } = await parseCommandLine(argumentsOf(line) ?? []);
      const selected = resolveBacktestCheck(
        {
          check: args.check as string,
          metric: args.metric as string | undefined,
          env: args.env as string | undefined,
        },
        { templates, specs: () => specs },
      );
      expect({ name: selected.name, target: selected.target }).toEqual({
        name: check.name,
        target: check.target,
      });
    }
  });
});
