import fs from 'node:fs';
import path from 'node:path';
import { ExitCode, InputError, type InputProblem } from '../errors';
import { lazySpecs, loadCheckTestFile, type CheckTestFile } from '../evaluator/check-tests';
import { formatCheckTestReport } from '../evaluator/check-tests-report';
import { runCheckTestFile } from '../evaluator/check-tests-run';
import { loadTemplates } from '../templates/registry';
import { defineCommand } from '../cli/define-command';
import { resolveCheckFolders } from '../cli/check-folders';
import { checkSourceOptions, jsonOption } from '../cli/options';

export const testChecksCommand = defineCommand({
  command: 'test-checks [files..]',
  describe:
    'Run check tests offline: input series, a check and the state Seyren must reach at given times (promtool-style YAML)',
  positionals: {
    files: {
      type: 'string',
      array: true,
      describe: 'Test files (*.yaml), or folders of them',
      defaultDescription: '<checks>/tests',
    },
  },
  options: {
    checks: {
      ...checkSourceOptions.checks,
      describe:
        'Folder of check definitions, for tests that name a declared check (healthlake:<heuristic>:<metric>); its tests/ folder is the default test folder',
    },
    templates: checkSourceOptions.templates,
    json: jsonOption('Print the results as JSON on stdout'),
  },
  examples: [
    ['$0 test-checks', 'run the tests in <checks>/tests'],
    ['$0 test-checks checks/tests/health.yaml', 'one test file'],
  ],
  epilog:
    'Each test gives input_series (values in promtool notation such as "1+0x10 _ 5", or a list), a check, and ' +
    'eval entries `{at: 14d, state: WARN}` (or `at: 7d..14d` for every step in between). The target is ' +
    "evaluated by healthlake's own implementation of the Graphite functions (graphite-web 1.1.8 semantics), " +
    "and judged by Seyren's rule. Exit 0 when every test passes, 1 on a failure, 3 on an invalid file.",
  handler: async (args, ctx) => {
    const folders = resolveCheckFolders(args, ctx);
    const templates = loadTemplates(folders.templates);
    const specs = lazySpecs(folders.checks, templates, ctx.config.prefix);
    const files = expandFiles(args.files?.length ? args.files : [path.join(folders.checks, 'tests')]);
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
    const report = formatCheckTestReport(results, ctx.terminal.style);
    if (args.json) console.log(JSON.stringify({ results, failed: report.failed }, null, 2));
    else console.log(report.text);
    if (report.failed > 0) process.exitCode = ExitCode.failure;
  },
});

/** Files as given; a folder stands for the *.yaml / *.yml files directly in it. */
function expandFiles(args: readonly string[]): string[] {
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
