import { spawn, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';

/**
 * Daemons run in the foreground of a detached child so that its PID is the daemon's own: we stop exactly
 * what we started, and never a process that merely reuses a stale PID (the command line is checked too).
 */
export interface DaemonSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  logFile: string;
  pidFile: string;
  /** A string that the daemon's /proc/<pid>/cmdline contains; guards against PID reuse. */
  cmdlineMarker: string;
}

export function startDaemon(spec: DaemonSpec): number {
  // Daemon output goes to a file: a pipe held open by a detached child hangs a CI step that captures output.
  const out = fs.openSync(spec.logFile, 'a');
  const options: SpawnOptions = {
    detached: true,
    stdio: ['ignore', out, out],
    env: spec.env ?? process.env,
    cwd: spec.cwd,
  };
  const child = spawn(spec.command, spec.args, options);
  fs.closeSync(out);
  if (child.pid === undefined) throw new Error(`could not start ${spec.name} (${spec.command})`);
  child.unref();
  fs.writeFileSync(spec.pidFile, `${child.pid}\n`);
  return child.pid;
}

export function readPid(pidFile: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(pidFile, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** True when `pid` is alive, not a zombie, and is the daemon we started (its cmdline has the marker). */
export function isOurProcess(pid: number, cmdlineMarker: string): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 3 is the state; a zombie (Z) has exited and only waits to be reaped.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return false;
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    return cmdline.includes(cmdlineMarker);
  } catch {
    // No /proc (not Linux): trust the signal probe.
    return true;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** SIGTERM the daemon's process group, wait for it to go, SIGKILL after `graceMs`. Removes the pid file. */
export async function stopDaemon(spec: Pick<DaemonSpec, 'pidFile' | 'cmdlineMarker'>, graceMs = 5000) {
  const pid = readPid(spec.pidFile);
  let stopped = false;
  if (pid !== undefined && isOurProcess(pid, spec.cmdlineMarker)) {
    signalGroup(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && isOurProcess(pid, spec.cmdlineMarker)) await sleep(50);
    if (isOurProcess(pid, spec.cmdlineMarker)) {
      signalGroup(pid, 'SIGKILL');
      while (isOurProcess(pid, spec.cmdlineMarker)) await sleep(20);
    }
    stopped = true;
  }
  fs.rmSync(spec.pidFile, { force: true });
  return { pid, stopped };
}

function signalGroup(pid: number, signal: NodeJS.Signals) {
  // detached: true made the daemon a group leader; signalling the group also reaches gunicorn's workers.
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}
