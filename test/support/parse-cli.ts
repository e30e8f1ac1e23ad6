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
  await buildCli(args)
    .exitProcess(false)
    .parseAsync(args, { [PARSE_ONLY]: onParsed });
  if (!parsed) throw new Error(`no command handler reached for: ${args.join(' ')}`);
  return parsed;
}
