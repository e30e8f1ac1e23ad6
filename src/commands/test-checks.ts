import fs from 'node:fs';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import type { GlobalOptions } from '../cli';
import { ExitCode, InputError, type InputProblem } from '../errors';
import { lazySpecs, loadCheckTestFile, type CheckTestFile } from '../evaluator/check-tests';
import { formatCheckTestReport } from '../evaluator/check-tests-report';
import { runCheckTestFile } from '../evaluator/check-tests-run';
import { BUILTIN_TEMPLATES_DIR, loadTemplates } from '../templates/registry';
import { BUILTIN_CHECKS_DIR } from './check-options';
import { commandContext } from './context';

interface TestChecksArgs extends GlobalOptions {
  files: string[];
  checks: string;
  templates: string;
  json: boolean;
}

export const testChecksCommand: CommandModule<GlobalOptions, TestChecksArgs> = {
  command: 'test-checks <files..>',
  describe:
    'Run check tests offline: input series, a check and the state Seyren must reach at given times (promtool-style YAML)',
  builder: (y: Argv<GlobalOptions>) =>
    y
      .positional('files', {
        type: 'string',
        array: true,
        describe: 'Test files (*.yaml), or folders of them (e.g. checks/tests)',
      })
      .option('checks', {
        type: 'string',
        default: BUILTIN_CHECKS_DIR,
        defaultDescription: 'the bundled checks/',
        describe:
          'Folder of check definitions, for tests that name a declared check (healthlake:<heuristic>:<metric>)',
      })
      .option('templates', {
        type: 'string',
        default: BUILTIN_TEMPLATES_DIR,
        defaultDescription: 'the bundled templates/',
        describe: 'Folder of Graphite target templates (*.mustache)',
      })
      .option('json', { type: 'boolean', default: false, describe: 'Print the results as JSON on stdout' })
      .example('$0 test-checks checks/tests', 'run the shipped check tests')
      .epilog(
        'Each test gives input_series (values in promtool notation such as "1+0x10 _ 5", or a list), a check, and ' +
          'eval entries `{at: 14d, state: WARN}` (or `at: 7d..14d` for every step in between). The target is ' +
          "evaluated by healthlake's own implementation of the Graphite functions (graphite-web 1.1.8 semantics), " +
          "and judged by Seyren's rule. Exit 0 when every test passes, 1 on a failure, 3 on an invalid file.",
      ) as Argv<TestChecksArgs>,
  handler: async (argv) => {
    const { config } = commandContext(argv);
    const templates = loadTemplates(argv.templates);
    const specs = lazySpecs(argv.checks, templates, config.prefix);
    const files = expandFiles(argv.files);
    const loaded: CheckTestFile[] = [];
    const problems: InputProblem[] = [];
    for (const file of files) {
      try {
        loaded.push(loadCheckTestFile(file, { specs, templates }));
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        problems.push(...err.problems);
      }
    }
    if (problems.length > 0) throw new InputError(problems);
    const results = [];
    for (const file of loaded) results.push(await runCheckTestFile(file));
    const report = formatCheckTestReport(results);
    if (argv.json) console.log(JSON.stringify({ results, failed: report.failed }, null, 2));
    else console.log(report.text);
    if (report.failed > 0) process.exitCode = ExitCode.failure;
  },
};

/** Files as given; a folder stands for the *.yaml / *.yml files directly in it. */
function expandFiles(args: string[]): string[] {
  const out: string[] = [];
  for (const arg of args) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(arg);
    } catch {
      throw InputError.single('no such file or folder', { file: arg });
    }
    if (!stat.isDirectory()) {
      out.push(arg);
      continue;
    }
    const inside = fs
      .readdirSync(arg)
      .filter((n) => /\.ya?ml$/.test(n))
      .sort()
      .map((n) => path.join(arg, n));
    if (inside.length === 0) throw InputError.single('no test files (*.yaml) in this folder', { file: arg });
    out.push(...inside);
  }
  return out;
}
