import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import readline from 'node:readline';
import { HealthlakeError } from '../errors';

/**
 * The two ways Google's consent comes back to `healthlake auth`: the browser following the loopback redirect to
 * a server on 127.0.0.1 (a Desktop client), or the user pasting the address the browser ended on (a Web client,
 * whose redirect is https://www.google.com; or --no-browser, when the browser runs on another machine). Both
 * check `state`, so a forged or stale redirect cannot plant a code.
 */

export interface Loopback {
  port: number;
  /** Resolves with the code of the first redirect whose state matches; rejects on an `error` redirect. */
  code: Promise<string>;
  close(): void;
}

/** An HTTP server on 127.0.0.1 (never 0.0.0.0) on a free port, waiting for Google's redirect. */
export async function startLoopback(state: string): Promise<Loopback> {
  let settle!: { resolve: (code: string) => void; reject: (err: Error) => void };
  const code = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  code.catch(() => undefined); // raced later; keep an early rejection from being "unhandled"
  const server = http.createServer((req, res) => {
    const params = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
    const reply = (status: number, text: string) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      res.end(`healthlake: ${text}\n`);
    };
    // Without our state (a favicon request, a stray or forged redirect): refused, and the wait goes on.
    if (params.get('state') !== state)
      return reply(400, 'this request does not belong to the running `healthlake auth`');
    const error = params.get('error');
    if (error) {
      reply(200, 'Google did not grant access; see the terminal.');
      return settle.reject(new HealthlakeError(`Google did not grant access (${safeCode(error)})`));
    }
    const received = params.get('code');
    if (!received) return reply(400, 'the redirect has no code');
    reply(200, 'access granted. You can close this tab and return to the terminal.');
    settle.resolve(received);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    code,
    close: () => {
      server.close();
      server.closeAllConnections();
    },
  };
}

function safeCode(text: string): string {
  return /^[a-z_]{1,64}$/.test(text) ? text : 'unknown error';
}

/** Reads pasted lines until one holds a code: the whole redirect URL (state checked) or the bare code. */
export async function readPastedCode(
  prompt: ((question: string) => Promise<string>) | undefined,
  state: string,
  out: NodeJS.WritableStream,
  signal: AbortSignal,
): Promise<string> {
  const ask = prompt ?? stdinPrompt(signal);
  for (;;) {
    // A whole line: JSON log lines share stderr and must each start a line of their own.
    const line = (await ask('Paste the redirect URL or the code, then Enter:\n')).trim();
    if (signal.aborted) return new Promise<string>(() => undefined); // the loopback won; never settle
    const parsed = parsePasted(line, state);
    if (parsed.code) return parsed.code;
    if (parsed.fatal) throw new HealthlakeError(parsed.fatal);
    out.write(`${parsed.retry}\n`);
  }
}

/** Exported for tests. */
export function parsePasted(line: string, state: string): { code?: string; fatal?: string; retry?: string } {
  if (line === '') return { retry: 'Nothing pasted; paste the address the browser ended on, or the code.' };
  if (/^https?:\/\//i.test(line)) {
    let params: URLSearchParams;
    try {
      params = new URL(line).searchParams;
    } catch {
      return { retry: 'That is not a complete URL; copy the whole address bar.' };
    }
    const error = params.get('error');
    if (error) return { fatal: `Google did not grant access (${safeCode(error)})` };
    if (params.has('state') && params.get('state') !== state) {
      return { fatal: 'the pasted URL belongs to another `healthlake auth` attempt (state does not match)' };
    }
    const code = params.get('code');
    return code ? { code } : { retry: 'That URL has no code=…; copy the address after allowing access.' };
  }
  // A bare code (Google's look like 4/0Ab…): no state to check, the user pasted it by hand. Copied out of the
  // address bar it may still be percent-encoded (4%2F0Ab…).
  let bare = line;
  try {
    bare = decodeURIComponent(line);
  } catch {
    // not percent-encoding after all: checked as it is
  }
  if (/^[\w\-/.~]{10,}$/.test(bare)) return { code: bare };
  return { retry: 'That is neither the redirect URL nor a code; try again.' };
}

function stdinPrompt(signal: AbortSignal): (question: string) => Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: false });
  signal.addEventListener('abort', () => rl.close(), { once: true });
  const lines = rl[Symbol.asyncIterator]();
  return async (question) => {
    process.stderr.write(question);
    const next = await lines.next();
    if (next.done) {
      if (signal.aborted) return '';
      throw new HealthlakeError('stdin closed before a redirect URL or code was pasted');
    }
    return String(next.value);
  };
}

export function openSystemBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => process.stderr.write(`(could not run ${command}; open the URL above by hand)\n`));
    child.unref();
  } catch {
    process.stderr.write(`(could not run ${command}; open the URL above by hand)\n`);
  }
}
