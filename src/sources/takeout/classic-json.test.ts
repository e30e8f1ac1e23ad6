import { readTakeout } from './read-takeout';
import { heartJson, makeExportFixture, profileCsv, type FitbitFiles } from './takeout-fixture';

const G = 'Global Export Data/';

describe('classic JSON, bad input', () => {
  const heartFile = `${G}heart_rate-2026-06-30.json`;
  const full = heartJson([
    ['2026-06-30T10:00:00', 60],
    ['2026-06-30T10:00:05', 62],
    ['2026-06-30T10:00:10', 'abc'],
    ['2026-06-30T10:00:15', 64],
    ['2026-06-30T10:00:20', 66],
  ]);
  // Cut inside the fifth element (index 4): the four before it are complete.
  const truncated = full.slice(0, full.lastIndexOf('"bpm"'));
  const files: FitbitFiles = {
    'Your Profile/Profile.csv': profileCsv('UTC'),
    [heartFile]: truncated,
    [`${G}sleep-2026-06-01.json`]: JSON.stringify([
      { logId: 77, dateOfSleep: '2026-06-30', minutesAsleep: 300, mainSleep: true },
      { logId: 78, dateOfSleep: '2026-06-30', minutesAsleep: 'lots', mainSleep: false },
    ]),
    [`${G}steps-2026-06-30.json`]: '{"not":"an array"}',
  };

  it.each(['dir', 'zip'] as const)('keeps what it can and names every problem (%s)', async (kind) => {
    const fixture = await makeExportFixture(files);
    try {
      const result = await readTakeout({ path: kind === 'dir' ? fixture.dir : fixture.zip });
      expect(result.days.get('2026-06-30')).toEqual({
        date: '2026-06-30',
        heart: { sum: 186, count: 3, minutes: [[600, 186, 3]] },
        sleeps: [{ dateOfSleep: '2026-06-30', isMainSleep: true, minutesAsleep: 300, levels: undefined }],
      });
      expect(result.warnings).toEqual([
        { file: heartFile, record: 2, message: expect.stringMatching(/bpm "abc" is not a number/) },
        {
          file: heartFile,
          record: 4,
          message: expect.stringMatching(/unreadable from element 4 on .*4 elements before it were kept/),
        },
        { file: `${G}sleep-2026-06-01.json`, record: '77', message: expect.stringContaining('no levels') },
        {
          file: `${G}sleep-2026-06-01.json`,
          record: '78',
          message: expect.stringContaining('minutesAsleep "lots"'),
        },
        { file: `${G}steps-2026-06-30.json`, record: 0, message: expect.stringContaining('JSON array') },
      ]);
    } finally {
      fixture.cleanup();
    }
  });

  it('caps record warnings per file and says how many more there were', async () => {
    const many = heartJson(
      Array.from({ length: 120 }, (_, i) => [`2026-06-30T10:${String(i % 60).padStart(2, '0')}:00`, 'x']),
    );
    const fixture = await makeExportFixture({
      'Your Profile/Profile.csv': profileCsv('UTC'),
      [heartFile]: many,
    });
    try {
      const result = await readTakeout({ path: fixture.dir });
      expect(result.warnings).toHaveLength(51);
      expect(result.warnings[50]).toEqual({
        file: heartFile,
        message: expect.stringContaining('70 more records'),
      });
    } finally {
      fixture.cleanup();
    }
  });

  it('rejects a path that is not an export, naming it and what was expected', async () => {
    const fixture = await makeExportFixture({ 'Something Else/file.txt': 'x' }, '');
    try {
      await expect(readTakeout({ path: fixture.dir })).rejects.toThrow(
        new RegExp(`${fixture.dir.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}.*expected a Google Takeout \\.zip`),
      );
      await expect(readTakeout({ path: fixture.zip })).rejects.toMatchObject({
        name: 'InputError',
        exitCode: 3,
      });
      await expect(readTakeout({ path: `${fixture.dir}/Something Else/file.txt` })).rejects.toThrow(
        /not a readable zip/,
      );
      await expect(readTakeout({ path: `${fixture.dir}/missing` })).rejects.toThrow(
        /cannot read the export: ENOENT/,
      );
    } finally {
      fixture.cleanup();
    }
  });
});
