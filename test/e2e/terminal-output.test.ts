import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../support/run-cli';
import { runCliInPty } from '../support/run-in-pty';
import { startSeyrenDouble, type SeyrenDouble } from '../support/seyren-double';

// What a person at a terminal sees (on a pseudo-terminal), against what cron and pipes get: colour only on a
// terminal and never with NO_COLOR, short log lines instead of JSON, and a question before an apply deletes.

// eslint-disable-next-line no-control-regex -- matching the terminal's escape codes is the point
const SGR = /\u001b\[\d+(;\d+)*m/; // a colour or weight escape
const YAML = (metrics: string[]) =>
  `checks:\n${metrics.map((m) => `  - metric: "${m}"\n    heuristics: { cv: { warn: 0.5, error: 0.8 } }\n`).join('')}`;

let double: SeyrenDouble;
let dir: string;
let checks: string;
let env: Record<string, string>;

beforeEach(async () => {
  double = await startSeyrenDouble();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-e2e-tty-'));
  checks = path.join(dir, 'checks');
  fs.mkdirSync(checks);
  fs.writeFileSync(path.join(checks, 'a.yaml'), YAML(['health.a', 'health.b']));
  env = { SEYREN_URL: double.url, GRAPHITE_URL: 'http://127.0.0.1:9', HOME: dir };
  expect((await runCli(['provision-checks', '--checks', checks], env)).code).toBe(0);
  // health.b is no longer declared: the next --prune run deletes it
  fs.writeFileSync(path.join(checks, 'a.yaml'), YAML(['health.a']));
});
afterEach(async () => {
  await double.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const deletes = () => double.requests.filter((r) => r.method === 'DELETE');
const QUESTION = (url: string) => `Delete 1 check(s) from Seyren (${url})? [y/N]`;

describe('an apply that deletes checks, on a terminal', () => {
  it('asks first; anything but yes cancels it and writes nothing', async () => {
    const run = await runCliInPty(['provision-checks', '--prune', '--checks', checks], env, 'n\n');
    expect(run.output).toContain(QUESTION(double.url));
    expect(run.output).toContain(
      'healthlake: apply cancelled; nothing was written (--yes applies without asking)',
    );
    expect(run.code).toBe(1);
    expect(deletes()).toEqual([]);
    expect(double.checks.size).toBe(2);
  });

  it('deletes when the answer is yes', async () => {
    const run = await runCliInPty(['provision-checks', '--prune', '--checks', checks], env, 'y\n');
    expect(run.output).toContain(QUESTION(double.url));
    expect(run.code).toBe(0);
    expect(deletes()).toHaveLength(1);
  });

  it('does not ask with --yes', async () => {
    const run = await runCliInPty(['provision-checks', '--prune', '--yes', '--checks', checks], env);
    expect(run.output).not.toContain('[y/N]');
    expect(run.code).toBe(0);
    expect(deletes()).toHaveLength(1);
  });

  it('never asks without a terminal (cron): it applies', async () => {
    const run = await runCli(['provision-checks', '--prune', '--checks', checks], env);
    expect(run.stdout + run.stderr).not.toContain('[y/N]');
    expect(run.code).toBe(0);
    expect(deletes()).toHaveLength(1);
  });
});

describe('colour and log lines', () => {
  const dryRun = () => ['provision-checks', '--prune', '--dry-run', '--checks', checks];

  it('the plan is coloured on a terminal', async () => {
    const run = await runCliInPty(dryRun(), env);
    expect(run.output).toContain('\u001b[31m  - healthlake:cv:health.b');
  });

  it('no colour with NO_COLOR, nor off a terminal', async () => {
    const noColor = await runCliInPty(dryRun(), { ...env, NO_COLOR: '1' });
    expect(noColor.output).toContain('  - healthlake:cv:health.b');
    expect(noColor.output).not.toMatch(SGR);
    const piped = await runCli(dryRun(), env);
    expect(piped.stdout).toContain('  - healthlake:cv:health.b');
    expect(piped.stdout + piped.stderr).not.toMatch(SGR);
  });

  it('on a terminal, logs are short lines, never JSON; off a terminal they are JSON lines', async () => {
    const tty = await runCliInPty(['render-checks', '--log-level', 'info', '--checks', checks], env);
    expect(tty.code).toBe(0);
    expect(tty.output.split('\n').filter((l) => l.startsWith('{'))).toEqual([]);
    expect(tty.output).toMatch(/^healthlake: render-checks: definitions are valid .*checks=1 files=1/m);
    const piped = await runCli(['render-checks', '--log-level', 'info', '--checks', checks], env);
    const records = piped.stderr
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { msg: string });
    expect(records.map((r) => r.msg)).toEqual([
      'using templates from ./templates; --checks/--templates choose others',
      'render-checks: definitions are valid',
    ]);
  });

  it('on a terminal, the checks folder notice is a line for people', async () => {
    // dir has its own checks/ (health.a) and no templates/
    const tty = await runCliInPty(['render-checks'], env, '', { cwd: dir });
    expect(tty.code).toBe(0);
    expect(tty.output.split('\n')[0]).toBe(
      'healthlake: using checks from ./checks, templates from the bundled example templates (no ./templates here); --checks/--templates choose others',
    );
    expect(tty.output).toContain('healthlake:cv:health.a');
  });
});
