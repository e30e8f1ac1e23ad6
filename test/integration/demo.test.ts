import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freeStackEnv } from '../support/ports';
import { runCli } from '../support/run-cli';
import { runInPty } from '../support/run-in-pty';

// `npm run demo` as a person runs it at a terminal: no JSON among the output, and the last line says where the
// dashboard is. With stderr redirected to a file (as cron would), the logs there are JSON lines. Its own stack
// on free ports and a temporary data directory, stopped afterwards.

const ROOT = path.resolve(__dirname, '../..');
const stripTerminal = (text: string) =>
  // eslint-disable-next-line no-control-regex -- the terminal's own escape codes (colour, cursor) are not output
  text.replace(/\u001b(\[[0-9;?]*[A-Za-z]|[78])/g, '').replace(/\r/g, '');

let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-it-demo-'));
  // HOME is the temporary folder; npm keeps using the machine's cache (dependencies are there already)
  env = {
    ...(await freeStackEnv(path.join(dir, 'data'))),
    HOME: dir,
    npm_config_cache: path.join(os.homedir(), '.npm'),
  };
});
afterAll(async () => {
  await runCli(['stack', 'down'], env);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The last line with words on it: npm's spinner leaves one character behind on a terminal. */
const lastLine = (text: string) =>
  text
    .split('\n')
    .filter((l) => /[A-Za-z0-9]/.test(l))
    .at(-1) ?? '';
const DASHBOARD = () => `open ${env.GRAPHITE_URL}/dashboard/healthlake`;

describe('npm run demo', () => {
  it('on a terminal: no JSON line, and it ends with the dashboard URL', async () => {
    const run = await runInPty(['npm', 'run', 'demo'], env, '', { cwd: ROOT });
    const output = stripTerminal(run.output);
    expect({ code: run.code, tail: output.slice(-600) }).toMatchObject({ code: 0 });
    expect(output.split('\n').filter((l) => l.trimStart().startsWith('{'))).toEqual([]);
    expect(lastLine(output)).toContain(DASHBOARD());
  }, 400000);

  it('with stderr redirected to a file: JSON lines there, the result still on the terminal', async () => {
    const logFile = path.join(dir, 'demo-stderr.log');
    const run = await runInPty({ shell: `npm run demo 2>${logFile}` }, env, '', { cwd: ROOT });
    expect(run.code).toBe(0);
    expect(lastLine(stripTerminal(run.output))).toContain(DASHBOARD());
    const records = fs
      .readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(records.map((r) => r.msg)).toEqual(
      expect.arrayContaining(['stack up: all components ready', 'dashboard saved in graphite-web']),
    );
    expect(records.every((r) => typeof r.level === 'number')).toBe(true);
  }, 400000);
});
