import type { Readable } from 'node:stream';
import { openExport, type ExportReader } from './locate';
import {
  makeExportFixture,
  setCompressionMethod,
  tempFile,
  zipBuffer,
  zipEntryLocations,
  type ExportFixture,
} from './takeout-fixture';

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

describe('openExport, the fitbit.com account export', () => {
  const ACCOUNT = {
    'user-site-export/steps-2019-04-17.json': '[]',
    'user-profile/User-Profile.json': '{"timezone":"America/Chicago","offsetFromUTCMillis":-18000000}',
  };

  it('finds MyFitbitData/[<Name>/]user-site-export in a zip and in a folder, pointed at any level', async () => {
    const expected = Object.keys(ACCOUNT).sort();
    const plain = await makeExportFixture(ACCOUNT, 'MyFitbitData/');
    const named = await makeExportFixture(ACCOUNT, 'MyFitbitData/JaneDoe/');
    try {
      for (const p of [
        plain.dir,
        plain.zip,
        plain.fitbitDir,
        named.dir,
        named.zip,
        `${named.dir}/MyFitbitData`,
      ]) {
        expect(await withReader(p, async (r) => r.list())).toEqual(expected);
      }
      expect(await withReader(named.zip, async (r) => r.root)).toBe(`${named.zip}!MyFitbitData/JaneDoe/`);
    } finally {
      plain.cleanup();
      named.cleanup();
    }
  });
});

describe('openExport, damaged zips', () => {
  const G = 'Takeout/Fitbit/Global Export Data/';
  const content = '[{"dateTime":"06/01/26 10:00:00","value":"12"}]';

  it('verifies each member against its CRC-32: a flipped byte makes the member unreadable', async () => {
    const zip = await zipBuffer([{ name: `${G}steps-2026-06-01.json`, content, compress: false }]);
    const at = zip.indexOf('"12"');
    zip[at + 1] = '7'.charCodeAt(0); // "12" becomes "72": still valid JSON
    const { file, cleanup } = tempFile('flipped.zip', zip);
    try {
      await withReader(file, async (reader) => {
        await expect(text(reader.open('Global Export Data/steps-2026-06-01.json'))).rejects.toThrow(
          /^CRC-32 mismatch: the zip records 0x[0-9a-f]{8}, the bytes give 0x[0-9a-f]{8} \(a corrupt member\)$/,
        );
      });
    } finally {
      cleanup();
    }
  });

  it('reports a member it cannot inflate or whose method it does not know as a stream error', async () => {
    const zip = await zipBuffer([
      { name: `${G}steps-2026-06-01.json`, content: content.repeat(50) },
      { name: `${G}steps-2026-07-01.json`, content },
    ]);
    const [deflated, other] = zipEntryLocations(zip);
    zip.fill(0xff, deflated!.dataStart + 2, deflated!.dataStart + 12);
    setCompressionMethod(zip, other!, 12);
    const { file, cleanup } = tempFile('corrupt.zip', zip);
    try {
      await withReader(file, async (reader) => {
        await expect(text(reader.open('Global Export Data/steps-2026-06-01.json'))).rejects.toThrow();
        await expect(text(reader.open('Global Export Data/steps-2026-07-01.json'))).rejects.toThrow(
          /compression method/,
        );
      });
    } finally {
      cleanup();
    }
  });

  it('reads a name that appears twice once: identical copies are noted, differing ones cannot be trusted', async () => {
    const zip = await zipBuffer([
      { name: `${G}steps-2026-06-01.json`, content },
      { name: `${G}steps-2026-06-01.json`, content },
      { name: `${G}steps-2026-07-01.json`, content },
      { name: `${G}steps-2026-07-01.json`, content: content.replace('12', '13') },
      { name: 'Takeout/Fitbit/Your Profile/Profile.csv', content: 'id,timezone\nX,UTC\n' },
    ]);
    const { file, cleanup } = tempFile('duplicates.zip', zip);
    try {
      await withReader(file, async (reader) => {
        expect(reader.list()).toEqual([
          'Global Export Data/steps-2026-06-01.json',
          'Global Export Data/steps-2026-07-01.json',
          'Your Profile/Profile.csv',
        ]);
        expect(reader.duplicateEntries).toEqual([
          { member: 'Global Export Data/steps-2026-06-01.json', identical: true },
          { member: 'Global Export Data/steps-2026-07-01.json', identical: false },
        ]);
        expect(await text(reader.open('Global Export Data/steps-2026-06-01.json'))).toBe(content);
        await expect(text(reader.open('Global Export Data/steps-2026-07-01.json'))).rejects.toThrow(
          'the zip holds two different entries of this name; neither can be trusted',
        );
      });
    } finally {
      cleanup();
    }
  });
});
