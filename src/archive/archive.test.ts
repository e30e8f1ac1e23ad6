import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HealthlakeError } from '../errors';
import type { DayRecord } from '../sources/day-record';
import { Archive } from './archive';
import { stableJson } from './stable-json';

let dataDir: string;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'healthlake-archive-'));
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const fullDay: DayRecord = {
  date: '2024-03-01',
  steps: 8421,
  restingHeartRate: 57,
  heart: {
    sum: 2150,
    count: 30,
    minutes: [
      [600, 144, 2],
      [601, 70, 1],
    ],
  },
  sleeps: [
    {
      dateOfSleep: '2024-03-01',
      isMainSleep: true,
      minutesAsleep: 412,
      startTime: '2024-02-29T23:10:00.000',
      levels: [{ level: 'light', seconds: 600 }],
    },
  ],
};

describe('Archive.writeDay / readDay', () => {
  it('round-trips a record through <dataDir>/archive/<source>/<YYYY>/<date>.json, private', async () => {
    const archive = new Archive(dataDir);
    const file = await archive.writeDay('takeout', fullDay);

    expect(file).toBe(path.join(dataDir, 'archive', 'takeout', '2024', '2024-03-01.json'));
    expect(await archive.readDay('takeout', '2024-03-01')).toEqual(fullDay);
    expect(await archive.readDay('takeout', '2024-03-02')).toBeUndefined();
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('writes the same bytes whatever the key order of the record, with keys sorted and tuples on one line', async () => {
    const archive = new Archive(dataDir);
    const reordered: DayRecord = {
      sleeps: fullDay.sleeps,
      heart: { minutes: fullDay.heart!.minutes, count: 30, sum: 2150 },
      restingHeartRate: 57,
      steps: 8421,
      date: '2024-03-01',
    };
    const file = await archive.writeDay('takeout', fullDay);
    const first = fs.readFileSync(file, 'utf8');
    await archive.writeDay('takeout', reordered);

    expect(fs.readFileSync(file, 'utf8')).toBe(first);
    expect(first).toBe(
      [
        '{',
        '  "date": "2024-03-01",',
        '  "heart": {',
        '    "count": 30,',
        '    "minutes": [',
        '      [600, 144, 2],',
        '      [601, 70, 1]',
        '    ],',
        '    "sum": 2150',
        '  },',
        '  "restingHeartRate": 57,',
        '  "sleeps": [',
        '    {',
        '      "dateOfSleep": "2024-03-01",',
        '      "isMainSleep": true,',
        '      "levels": [',
        '        {',
        '          "level": "light",',
        '          "seconds": 600',
        '        }',
        '      ],',
        '      "minutesAsleep": 412,',
        '      "startTime": "2024-02-29T23:10:00.000"',
        '    }',
        '  ],',
        '  "steps": 8421',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('refuses sources and dates that would leave the archive directory', async () => {
    const archive = new Archive(dataDir);
    await expect(archive.writeDay('../etc', fullDay)).rejects.toThrow(HealthlakeError);
    await expect(archive.writeDay('a/b', fullDay)).rejects.toThrow(/Invalid archive source/);
    await expect(archive.writeDay('takeout', { date: '2024-02-30' })).rejects.toThrow(/expected YYYY-MM-DD/);
  });

  it('names the file of a corrupt record', async () => {
    const archive = new Archive(dataDir);
    const file = archive.dayFile('takeout', '2024-03-01');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"date": "2024-03-01", ');
    await expect(archive.readDay('takeout', '2024-03-01')).rejects.toThrow(
      `Archive file ${file}: archive record refused: not valid JSON`,
    );
  });
});

describe('Archive.listDates', () => {
  it('lists dates across years, in a range, ignoring temporary and foreign files', async () => {
    const archive = new Archive(dataDir);
    for (const date of ['2023-12-31', '2024-01-01', '2024-01-02', '2025-06-01']) {
      await archive.writeDay('sample', { date, steps: 1 });
    }
    const yearDir = path.join(dataDir, 'archive', 'sample', '2024');
    fs.writeFileSync(path.join(yearDir, '2024-01-03.json.123456'), '');
    fs.writeFileSync(path.join(yearDir, 'notes.txt'), '');

    expect(await archive.listDates('sample')).toEqual([
      '2023-12-31',
      '2024-01-01',
      '2024-01-02',
      '2025-06-01',
    ]);
    expect(await archive.listDates('sample', { from: '2024-01-01', to: '2024-12-31' })).toEqual([
      '2024-01-01',
      '2024-01-02',
    ]);
    expect(await archive.listDates('takeout')).toEqual([]);
  });
});

describe('Archive.readRange', () => {
  it('merges sources field by field: google-health > takeout > sample, worked from working-days', async () => {
    const archive = new Archive(dataDir);
    const gh = { sum: 720, count: 10, minutes: [] as Array<[number, number, number]> };
    const takeoutHeart = { sum: 650, count: 10, minutes: [] as Array<[number, number, number]> };
    await archive.writeDay('google-health', {
      date: '2024-03-01',
      steps: 9000,
      heart: gh,
      restingHeartRate: 0,
    });
    await archive.writeDay('takeout', {
      date: '2024-03-01',
      steps: 8000,
      heart: takeoutHeart,
      restingHeartRate: 58,
      sleeps: fullDay.sleeps,
      worked: 0,
    });
    await archive.writeDay('sample', { date: '2024-03-01', steps: 1, restingHeartRate: 99, worked: 0 });
    await archive.writeDay('working-days', { date: '2024-03-01', worked: 1 });
    // Only the lower-priority sources have the next day.
    await archive.writeDay('sample', { date: '2024-03-02', steps: 5, worked: 0 });
    await archive.writeDay('takeout', { date: '2024-03-02', sleeps: [] });

    const merged = await archive.readRange({ from: '2024-03-01', to: '2024-03-02' });

    expect([...merged.keys()]).toEqual(['2024-03-01', '2024-03-02']);
    expect(merged.get('2024-03-01')).toEqual({
      date: '2024-03-01',
      steps: 9000, // google-health
      heart: gh, // google-health
      restingHeartRate: 58, // google-health recorded 0 (not worn): takeout's value
      sleeps: fullDay.sleeps, // only takeout has sleep
      worked: 1, // working-days over the takeout and sample guesses
    });
    // No working-days entry: worked falls back to the other sources.
    expect(merged.get('2024-03-02')).toEqual({ date: '2024-03-02', steps: 5, worked: 0 });
  });

  it('refuses a corrupt record instead of reading it: its inputs come back withheld, naming the file', async () => {
    const archive = new Archive(dataDir);
    await archive.writeDay('takeout', { date: '2024-03-01', steps: 100, worked: 1 });
    await archive.writeDay('takeout', { date: '2024-03-02', steps: 200 });
    await archive.writeDay('sample', { date: '2024-03-02', steps: 5, restingHeartRate: 60 });
    const sumNull = archive.dayFile('takeout', '2024-03-01');
    fs.writeFileSync(
      sumNull,
      '{"date":"2024-03-01","steps":100,"heart":{"sum":null,"count":2,"minutes":[]},"worked":1}',
    );
    const broken = archive.dayFile('takeout', '2024-03-02');
    fs.writeFileSync(broken, '{"date":"2024-03-02","steps":');

    const merged = await archive.readRange({ from: '2024-03-01', to: '2024-03-02' });
    expect(merged.get('2024-03-01')).toEqual({
      date: '2024-03-01',
      steps: 100,
      worked: 1,
      withheld: {
        heart: {
          file: sumNull,
          reason:
            'archive record refused: heart.sum null is not a number; collect that day again to replace it',
        },
      },
    });
    // Not valid JSON: nothing of it is believed, and a lower source does not fill in what it withheld.
    const reason = expect.stringMatching(
      /^archive record refused: not valid JSON \(.+\); collect that day again/,
    );
    expect(merged.get('2024-03-02')).toEqual({
      date: '2024-03-02',
      withheld: {
        steps: { file: broken, reason },
        heart: { file: broken, reason },
        resting: { file: broken, reason },
        sleep: { file: broken, reason },
        worked: { file: broken, reason },
      },
    });
  });

  it('never archives a value that is not finite or not plausible', async () => {
    const archive = new Archive(dataDir);
    const overflow = { sum: Infinity, count: 2, minutes: [] as Array<[number, number, number]> };
    await expect(archive.writeDay('takeout', { date: '2024-03-01', heart: overflow })).rejects.toThrow(
      /Refusing to archive an invalid record .*heart.sum Infinity is not a number/,
    );
    await expect(archive.writeDay('takeout', { date: '2024-03-01', steps: 12.5 })).rejects.toThrow(
      /steps 12.5 is not a plausible/,
    );
    expect(fs.existsSync(archive.dayFile('takeout', '2024-03-01'))).toBe(false);
    expect(() => stableJson({ x: [1, NaN] })).toThrow(/cannot be archived/);
    expect(() => stableJson({ x: -Infinity })).toThrow(/cannot be archived/);
  });

  it('ranks an unknown source below the known ones, and reads only the range', async () => {
    const archive = new Archive(dataDir);
    await archive.writeDay('apple-health', { date: '2024-03-01', steps: 7, restingHeartRate: 60 });
    await archive.writeDay('sample', { date: '2024-03-01', steps: 3 });
    await archive.writeDay('sample', { date: '2024-03-05', steps: 4 });

    const merged = await archive.readRange({ from: '2024-02-01', to: '2024-03-04' });
    expect([...merged.values()]).toEqual([{ date: '2024-03-01', steps: 3, restingHeartRate: 60 }]);
    expect(await new Archive(path.join(dataDir, 'none')).readRange({})).toEqual(new Map());
  });
});

describe('Archive.writeRaw', () => {
  it('stores the body as given under raw/<source>/<date>/<name>, mode 0600', async () => {
    const archive = new Archive(dataDir);
    const file = await archive.writeRaw(
      'google-health',
      'steps-page-1.json',
      '{"dataPoints":[]}',
      '2024-03-01',
    );
    expect(file).toBe(path.join(dataDir, 'raw', 'google-health', '2024-03-01', 'steps-page-1.json'));
    expect(fs.readFileSync(file, 'utf8')).toBe('{"dataPoints":[]}');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);

    const binary = await archive.writeRaw('takeout', 'x.bin', Buffer.from([0, 255, 1]), '2024-03-01');
    expect([...fs.readFileSync(binary)]).toEqual([0, 255, 1]);
    await expect(archive.writeRaw('takeout', '../x', 'x')).rejects.toThrow(/Invalid archive name/);
  });

  it("defaults to today's local date", async () => {
    const file = await new Archive(dataDir).writeRaw('sample', 'a.json', '{}');
    const now = new Date();
    const today = [now.getFullYear(), now.getMonth() + 1, now.getDate()].map((n) =>
      String(n).padStart(2, '0'),
    );
    expect(path.basename(path.dirname(file))).toBe(today.join('-'));
  });
});

describe('stableJson', () => {
  it('drops undefined properties, writes undefined array items as null, and keeps empty containers short', () => {
    expect(stableJson({ b: undefined, a: [], c: {}, d: [1, undefined, 'x'] })).toBe(
      '{\n  "a": [],\n  "c": {},\n  "d": [\n    1,\n    null,\n    "x"\n  ]\n}\n',
    );
    expect(JSON.parse(stableJson({ x: [1.5, -0, 1e21] }))).toEqual({ x: [1.5, 0, 1e21] });
  });
});

describe('Archive.writeDays', () => {
  const days = Array.from({ length: 40 }, (_, i): DayRecord => {
    const date = new Date(Date.UTC(2024, 2, 1 + i)).toISOString().slice(0, 10);
    return { ...fullDay, date, steps: 1000 + i };
  });

  it('writes every day, a few at a time, as writeDay does', async () => {
    const archive = new Archive(dataDir);
    const files = await archive.writeDays('takeout', days);
    expect(files).toEqual(days.map((d) => archive.dayFile('takeout', d.date)));
    for (const day of days) expect(await archive.readDay('takeout', day.date)).toEqual(day);
    const single = new Archive(fs.mkdtempSync(path.join(os.tmpdir(), 'healthlake-archive-one-')));
    try {
      for (const day of days.slice(0, 3)) await single.writeDay('takeout', day);
      for (const day of days.slice(0, 3))
        expect(fs.readFileSync(archive.dayFile('takeout', day.date))).toEqual(
          fs.readFileSync(single.dayFile('takeout', day.date)),
        );
    } finally {
      fs.rmSync(single.dataDir, { recursive: true, force: true });
    }
  });

  it('writes nothing when one record is invalid', async () => {
    const archive = new Archive(dataDir);
    const broken = [...days.slice(0, 5), { ...days[5]!, steps: Number.NaN }, ...days.slice(6)];
    await expect(archive.writeDays('takeout', broken)).rejects.toThrow(HealthlakeError);
    expect(fs.existsSync(path.join(dataDir, 'archive'))).toBe(false);
  });
});
