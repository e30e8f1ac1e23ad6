import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Archive } from '../../src/archive/archive';
import { runCli } from '../support/run-cli';

// `healthlake replay` validates each archived record with the plausibility rules of the sources: a corrupt one
// (a null sum from an overflow, invalid JSON) is refused, named, and nothing of it is sent; never a 0.

const PREFIX = 'health.e2e_replay';
const ts = (date: string) => Date.parse(`${date}T00:00:00Z`) / 1000;

interface LogLine {
  level: number;
  msg: string;
  file?: string;
}

const warnings = (stderr: string) =>
  stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine)
    .filter((l) => l.level === 40)
    .map(({ file, msg }) => ({ file, msg }));

/** A TCP server standing in for carbon: it keeps every byte it is sent. */
async function carbonListener(): Promise<{ port: number; received: () => string; close(): Promise<void> }> {
  let data = '';
  const server = net.createServer((socket) => socket.on('data', (chunk) => (data += chunk.toString())));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    received: () => data,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('replay of a corrupt archive record', () => {
  let root: string;
  let archive: Archive;
  let sumNullFile: string;
  let brokenFile: string;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-e2e-replay-'));
    archive = new Archive(root);
    const heart = { sum: 140, count: 2, minutes: [[600, 140, 2]] as Array<[number, number, number]> };
    await archive.writeDay('takeout', { date: '2026-03-01', steps: 5000, heart });
    await archive.writeDay('takeout', { date: '2026-03-02', steps: 6000, heart });
    await archive.writeDay('takeout', { date: '2026-03-03', steps: 7000, heart });
    await archive.writeDay('working-days', { date: '2026-03-02', worked: 1 });
    // What an overflow to Infinity used to leave behind, and a file cut short.
    sumNullFile = archive.dayFile('takeout', '2026-03-02');
    fs.writeFileSync(
      sumNullFile,
      JSON.stringify({
        date: '2026-03-02',
        steps: 6000,
        heart: { sum: null, count: 2, minutes: [[600, null, 2]] },
      }),
    );
    brokenFile = archive.dayFile('takeout', '2026-03-03');
    fs.writeFileSync(brokenFile, '{"date": "2026-03-03", "steps": 70');
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('refuses the corrupt input of a day, names the file, sends nothing of it, and exits 5', async () => {
    const carbon = await carbonListener();
    try {
      // A bare TCP listener stands in for carbon, so there is no Graphite to read the points back from.
      const run = await runCli(['replay', '--from', '2026-03-02', '--to', '2026-03-03', '--no-verify'], {
        HEALTHLAKE_DATA_DIR: root,
        HEALTHLAKE_PREFIX: PREFIX,
        CARBON_HOST: '127.0.0.1',
        CARBON_PORT: String(carbon.port),
      });
      expect(run.code).toBe(5);
      expect(warnings(run.stderr)).toEqual([
        {
          file: sumNullFile,
          msg:
            'skipped input: archive record refused: heart.sum null is not a number; collect that day again to ' +
            'replace it; withheld: heart.average, heart.max_sustained on 2026-03-02',
        },
        {
          file: brokenFile,
          msg: expect.stringMatching(
            /^skipped input: archive record refused: not valid JSON \(.+\); collect that day again to replace it; withheld: steps, heart\.resting, heart\.average, heart\.max_sustained, sleep\.minutes_before, sleep\.longest_episode, worked on 2026-03-03; sleep\.minutes_after on 2026-03-02$/,
          ) as string,
        },
      ]);
      // The CLI has exited: whatever it sent has arrived. Only the values that pass the rules were sent.
      expect(carbon.received()).toBe(
        `${PREFIX}.steps 6000 ${ts('2026-03-02')}\n${PREFIX}.worked 1 ${ts('2026-03-02')}\n`,
      );
      expect(fs.readFileSync(path.join(root, 'summary.csv'), 'utf8')).toBe(
        'date,steps,heart.resting,heart.average,heart.max_sustained,sleep.minutes_before,sleep.minutes_after,' +
          'sleep.longest_episode,worked\n' +
          '2026-03-02,6000,,,,,,,1\n' +
          '2026-03-03,,,,,,,,\n',
      );
    } finally {
      await carbon.close();
    }
  });

  it('sends nothing at all for a day whose only record is refused', async () => {
    const run = await runCli(['replay', '--from', '2026-03-03', '--to', '2026-03-03', '--sink', 'stdout'], {
      HEALTHLAKE_DATA_DIR: root,
      HEALTHLAKE_PREFIX: PREFIX,
    });
    expect(run.code).toBe(5);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^0 points \(0 to stdout\)|1 days 2026-03-03\.\.2026-03-03, 0 points \(0 to stdout\)/m,
    );
    expect(warnings(run.stderr).map((w) => w.file)).toEqual([brokenFile]);
  });

  it('replays the intact days as they were', async () => {
    const run = await runCli(['replay', '--from', '2026-03-01', '--to', '2026-03-01', '--sink', 'stdout'], {
      HEALTHLAKE_DATA_DIR: root,
      HEALTHLAKE_PREFIX: PREFIX,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `${PREFIX}.steps 5000 ${ts('2026-03-01')}\n${PREFIX}.heart.average 70 ${ts('2026-03-01')}\n`,
    );
  });
});
