import type { Readable } from 'node:stream';
import { openExport, type ExportReader } from './locate';
import { makeExportFixture, type ExportFixture } from './takeout-fixture';

const FILES = {
  'Global Export Data/steps-2026-06-01.json': '[{"dateTime":"06/01/26 10:00:00","value":"12"}]',
  'Global Export Data/heart_rate-2026-06-01.json': '[]',
  'Your Profile/Profile.csv': 'id,timezone\nX,Europe/Berlin\n',
};

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function withReader<T>(p: string, use: (reader: ExportReader) => Promise<T>): Promise<T> {
  const reader = await openExport(p);
  try {
    return await use(reader);
  } finally {
    await reader.close();
  }
}

describe('openExport', () => {
  let takeout: ExportFixture;
  let bareFitbit: ExportFixture;
  beforeAll(async () => {
    takeout = await makeExportFixture(FILES);
    bareFitbit = await makeExportFixture(FILES, 'Fitbit/');
  });
  afterAll(() => {
    takeout.cleanup();
    bareFitbit.cleanup();
  });

  it('lists the same members, relative to the Fitbit root, wherever it points', async () => {
    const expected = Object.keys(FILES).sort();
    for (const p of [
      takeout.dir,
      `${takeout.dir}/Takeout`,
      takeout.fitbitDir,
      takeout.zip,
      bareFitbit.dir,
      bareFitbit.zip,
    ]) {
      expect(await withReader(p, async (r) => r.list())).toEqual(expected);
    }
  });

  it('opens members of a folder and of a zip alike', async () => {
    for (const p of [takeout.dir, takeout.zip]) {
      await withReader(p, async (reader) => {
        expect(await text(reader.open('Global Export Data/steps-2026-06-01.json'))).toBe(
          FILES['Global Export Data/steps-2026-06-01.json'],
        );
        expect(await text(reader.open('Your Profile/Profile.csv'))).toBe(FILES['Your Profile/Profile.csv']);
      });
    }
  });

  it('survives a member abandoned half-way and reports a missing member as a stream error', async () => {
    await withReader(takeout.zip, async (reader) => {
      const first = reader.open('Global Export Data/steps-2026-06-01.json');
      first.destroy();
      expect(await text(reader.open('Your Profile/Profile.csv'))).toBe(FILES['Your Profile/Profile.csv']);
      await expect(text(reader.open('nope.json'))).rejects.toThrow(/no such member/);
    });
    await withReader(takeout.dir, async (reader) => {
      await expect(text(reader.open('nope.json'))).rejects.toThrow(/ENOENT/);
    });
  });

  it('names the zip and the Fitbit root inside it', async () => {
    expect(await withReader(takeout.zip, async (r) => r.root)).toBe(`${takeout.zip}!Takeout/Fitbit/`);
  });
});
