import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

/** Debian's python, as the stack uses (a pyenv python on PATH is fine too, but this one is always there). */
const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const SCRIPT = path.join(__dirname, 'misbehaving-carbon.py');

export type Misbehaviour = 'never-read' | 'reset-before-read' | 'close-mid-send' | 'slow-read';

export interface CarbonEvent {
  event: 'listening' | 'accepted' | 'reset' | 'closing' | 'closed' | 'error';
  port?: number;
  connection?: number;
  bytes?: number;
  sha256?: string;
  /** When the test saw the event (Date.now()). */
  at: number;
}

/** A carbon listener in a python process (misbehaving-carbon.py) and the events it reports. */
export interface MisbehavingCarbon {
  port: number;
  events: CarbonEvent[];
  /** Resolves with the first event (past or future) that matches. */
  waitFor(match: (e: CarbonEvent) => boolean, timeoutMs?: number): Promise<CarbonEvent>;
  stop(): Promise<void>;
}

export async function misbehavingCarbon(mode: Misbehaviour, args: string[] = []): Promise<MisbehavingCarbon> {
  const child: ChildProcessWithoutNullStreams = spawn(PYTHON, [SCRIPT, mode, ...args]);
  const events: CarbonEvent[] = [];
  const waiters: Array<() => void> = [];
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    events.push({ ...(JSON.parse(line) as Omit<CarbonEvent, 'at'>), at: Date.now() });
    for (const wake of waiters.splice(0)) wake();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const waitFor = (match: (e: CarbonEvent) => boolean, timeoutMs = 60_000) =>
    new Promise<CarbonEvent>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`no such carbon event within ${timeoutMs} ms; got ${JSON.stringify(events)} ${stderr}`),
          ),
        timeoutMs,
      );
      const check = () => {
        const found = events.find(match);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        } else waiters.push(check);
      };
      check();
    });
  const listening = await waitFor((e) => e.event === 'listening', 30_000).catch((err: Error) => {
    child.kill();
    throw new Error(`misbehaving-carbon.py did not start (${PYTHON} needed): ${err.message}`);
  });
  return {
    port: listening.port as number,
    events,
    waitFor,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
