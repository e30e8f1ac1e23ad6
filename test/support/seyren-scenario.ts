import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SeyrenCheck } from '../../src/clients/seyren/types';
import { runCli, type CliResult } from './run-cli';
import { startSeyrenDouble, type SeyrenDouble } from './seyren-double';

/**
 * A Seyren double holding the shipped checks/health.yaml as provision-checks creates them, for the e2e tests of
 * `status` and `alerts`: the checks' alert history is then written by simulated Seyren runs (double.runCheck).
 */

const HEALTH_YAML = path.resolve(__dirname, '../../checks/health.yaml');
export const MIN = 60000;

export interface Scenario {
  double: SeyrenDouble;
  dir: string;
  checksDir: string;
  /** Runs the CLI against the double (Graphite on a closed port: it is never needed). */
  cli(args: string[], env?: Record<string, string>): Promise<CliResult>;
  check(name: string): SeyrenCheck;
  /** One Seyren run of a check at `at` with the value of its only series (named after its target). */
  run(name: string, at: number, value: number | null): void;
  /** Runs every managed check at each minute in [from, to) with the value `valueOf` gives. */
  runAll(from: number, to: number, valueOf: (name: string, at: number) => number | null): void;
  /** Through the API, as a person would in Seyren's UI. */
  disable(name: string): Promise<void>;
  remove(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function provisionedScenario(): Promise<Scenario> {
  const double = await startSeyrenDouble();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-e2e-status-'));
  const checksDir = path.join(dir, 'checks');
  fs.mkdirSync(checksDir);
  fs.copyFileSync(HEALTH_YAML, path.join(checksDir, 'health.yaml'));
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli(args, { SEYREN_URL: double.url, GRAPHITE_URL: 'http://127.0.0.1:9', HOME: dir, ...env });
  const provisioned = await cli(['provision-checks', '--checks', checksDir]);
  if (provisioned.code !== 0) throw new Error(`provision-checks failed: ${provisioned.stderr}`);
  const check = (name: string) => {
    const found = double.checks.findByName(name);
    if (!found) throw new Error(`no check ${name}`);
    return found;
  };
  const managed = () => double.checks.all().filter((c) => c.name?.startsWith('healthlake:'));
  const run = (name: string, at: number, value: number | null) => {
    const c = check(name);
    double.runCheck(c.id, { at, values: { [c.target as string]: value } });
  };
  const api = (p: string) => `${double.url}/api${p}`;
  return {
    double,
    dir,
    checksDir,
    cli,
    check,
    run,
    runAll(from, to, valueOf) {
      const names = managed().map((c) => c.name as string);
      for (let at = from; at < to; at += MIN) for (const name of names) run(name, at, valueOf(name, at));
    },
    async disable(name) {
      const body = JSON.stringify({ ...check(name), enabled: false });
      const headers = { 'Content-Type': 'application/json' };
      const res = await fetch(api(`/checks/${check(name).id}`), { method: 'PUT', headers, body });
      if (res.status !== 200) throw new Error(`PUT answered ${res.status}`);
    },
    async remove(name) {
      const res = await fetch(api(`/checks/${check(name).id}`), { method: 'DELETE' });
      if (res.status !== 204) throw new Error(`DELETE answered ${res.status}`);
    },
    async close() {
      await double.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
