import { spawn } from 'node:child_process';
import { CLI } from './run-cli';

export interface PtyResult {
  code: number;
  /** What the terminal showed: stdout and stderr interleaved, `\r\n` turned into `\n`. */
  output: string;
}

const quote = (word: string) => (/^[\w./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

/**
 * Runs a command on a pseudo-terminal (util-linux `script`), as a person at a terminal would: stdin, stdout and
 * stderr are all TTYs (unless `{ shell }` redirects one). `input` is typed at the keyboard. Only PATH and HOME
 * are inherited from the test.
 */
export function runInPty(
  command: string[] | { shell: string },
  env: Record<string, string> = {},
  input = '',
  options: { cwd?: string } = {},
): Promise<PtyResult> {
  return new Promise((resolve, reject) => {
    const line = Array.isArray(command) ? command.map(quote).join(' ') : command.shell;
    const child = spawn('script', ['-qec', line, '/dev/null'], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TERM: 'xterm', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
      cwd: options.cwd,
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, output: output.replace(/\r\n/g, '\n') }));
    child.stdin.end(input);
  });
}

/** The built CLI on a pseudo-terminal. */
export const runCliInPty = (
  args: string[],
  env: Record<string, string> = {},
  input = '',
  options: { cwd?: string } = {},
) => runInPty([process.execPath, CLI, ...args], env, input, options);
