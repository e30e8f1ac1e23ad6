import { buildCli } from '../../src/cli';
import { PARSE_ONLY, type ParsedCallback } from '../../src/cli/define-command';

export interface ParsedCommandLine {
  /** The command whose handler would run (`up` for `stack up`). */
  command: string;
  args: Record<string, unknown>;
}

/**
 * Runs `args` through the real parser (options, coercions, choices, strict mode and each command's
 * `validate`) without running the handler. Rejects with the usage error a user would see.
 */
export async function parseCommandLine(args: string[]): Promise<ParsedCommandLine> {
  let parsed: ParsedCommandLine | undefined;
  const onParsed: ParsedCallback = (command, values) => (parsed = { command, args: values });
  // yargs' own commands (--help, --version, completion) print instead of reaching a handler
  const printed: string[] = [];
  const spy = jest
    .spyOn(console, 'log')
    .mockImplementation((...parts: unknown[]) => void printed.push(parts.join(' ')));
  try {
    await buildCli(args)
      .exitProcess(false)
      .parseAsync(args, { [PARSE_ONLY]: onParsed });
  } finally {
    spy.mockRestore();
  }
  const builtin =
    args.find((a) => ['--help', '-h', '--version'].includes(a)) ??
    (args[0] === 'completion' ? 'completion' : undefined);
  if (!parsed && builtin !== undefined && printed.length > 0) return { command: builtin, args: {} };
  if (!parsed) throw new Error(`no command handler reached for: ${args.join(' ')}`);
  return parsed;
}
