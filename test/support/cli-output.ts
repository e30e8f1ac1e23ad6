import { buildCli } from '../../src/cli';

/** What the real parser prints for `args` (help text, completions), captured instead of printed. */
export async function cliOutput(args: string[]): Promise<string> {
  const lines: string[] = [];
  const spy = jest.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
    lines.push(parts.map(String).join(' '));
  });
  try {
    await buildCli(args).exitProcess(false).parseAsync();
  } finally {
    spy.mockRestore();
  }
  return lines.join('\n');
}

export const helpFor = (path: string[]) => cliOutput([...path, '--help']);

/** Option lines of a help text, by option name: what follows the name (`  description [type]`). */
export function optionLines(help: string): Map<string, string> {
  const options = new Map<string, string>();
  // Examples (and the epilog after them) are command lines, not option descriptions.
  for (const line of help.split('\nExamples:')[0]!.split('\n')) {
    // Option lines start at most 6 columns in; wrapped description lines start at the description column.
    const m = /^ {2,6}(?:-\w, )?--([a-z][\w-]*)(.*)$/.exec(line);
    if (m) options.set(m[1] as string, m[2] as string);
  }
  return options;
}
