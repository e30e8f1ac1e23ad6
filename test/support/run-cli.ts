import { spawn } from 'node:child_process';
import path from 'node:path';

export const CLI = path.resolve(__dirname, '../../bin/healthlake.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI (dist/, built by `npm test`'s pretest) as a user would, with a controlled environment:
 * only PATH and HOME are inherited, so a developer's own GRAPHITE_URL or SEYREN_URL never leaks into a test.
 * The defaults of carbon, graphite-web and statsD are the local demo stack's ports (2003, 8080, 8125): a test
 * that does not name its own gets port 9 (discard, closed on loopback) instead, so a demo stack running on the
 * same machine never receives test points nor answers a test's read-back.
 */
export function runCli(args: string[], env: Record<string, string> = {}, input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        HEALTHLAKE_LOG_LEVEL: 'warn',
        CARBON_PORT: '9',
        GRAPHITE_URL: 'http://127.0.0.1:9',
        STATSD_PORT: '9',
        ...env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}
