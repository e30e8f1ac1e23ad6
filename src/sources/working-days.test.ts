import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError } from '../errors';
import { readWorkingDays } from './working-days';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'healthlake-working-days-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let n = 0;
function csvFile(text: string): string {
  const file = path.join(dir, `working-days-${++n}.csv`);
  fs.writeFileSync(file, text);
  return file;
}

function worked(days: Map<string, { worked?: 0 | 1 }>): Record<string, 0 | 1 | undefined> {
  return Object.fromEntries([...days].map(([date, d]) => [date, d.worked]));
}

describe('readWorkingDays', () => {
  it('reads every spelling of worked, any header case and extra columns, sorted by date', async () => {
    const file = csvFile(
      '\ufeff Date , WORKED ,note\r\n' +
        '2026-11-16,1,monday\r\n' +
        '2026-11-13, yes ,\r\n' +
        '\r\n' +
        '2026-11-14,No\r\n' +
        ' 2026-11-15 ,FALSE,"weekend, at last"\r\n' +
        '2026-11-12,True\r\n' +
        '2026-11-11,0\r\n',
    );
    const { days, warnings } = await readWorkingDays(file);
    expect(warnings).toEqual([]);
    expect([...days.keys()]).toEqual([
      '2026-11-11',
      '2026-11-12',
      '2026-11-13',
      '2026-11-14',
      '2026-11-15',
      '2026-11-16',
    ]);
    expect(worked(days)).toEqual({
      '2026-11-11': 0,
      '2026-11-12': 1,
      '2026-11-13': 1,
      '2026-11-14': 0,
      '2026-11-15': 0,
      '2026-11-16': 1,
    });
    expect(days.get('2026-11-13')).toEqual({ date: '2026-11-13', worked: 1 });
  });

  it('finds the columns by name in any order', async () => {
    const { days } = await readWorkingDays(csvFile('worked,comment,date\nyes,x,2026-01-05\n0,,2026-01-04\n'));
    expect(worked(days)).toEqual({ '2026-01-04': 0, '2026-01-05': 1 });
  });

  it('skips bad rows with a warning naming the line and keeps the others', async () => {
    const file = csvFile(
      [
        'date,worked',
        '2026-02-27,1', // 2
        '2026-02-30,1', // 3: no such day
        '12/03/2026,1', // 4: not ISO
        '2026-03-02,maybe', // 5
        '2026-03-03,', // 6
        '2026-03-04', // 7: no worked column
        '', // 8: blank, ignored
        ',', // 9: a spreadsheet's empty row, ignored
        '2026-3-5,1', // 10
        '2026-03-06,0', // 11
      ].join('\n'),
    );
    const { days, warnings } = await readWorkingDays(file);
    expect(worked(days)).toEqual({ '2026-02-27': 1, '2026-03-06': 0 });
    expect(warnings.map((w) => [w.file, w.record])).toEqual([
      [file, 3],
      [file, 4],
      [file, 5],
      [file, 6],
      [file, 7],
      [file, 10],
    ]);
    expect(warnings[0]!.message).toBe('date "2026-02-30" is not a calendar date YYYY-MM-DD; line skipped');
    expect(warnings[1]!.message).toContain('"12/03/2026"');
    expect(warnings[2]!.message).toBe(
      'worked "maybe" for 2026-03-02 is not one of 1/0, true/false, yes/no; line skipped',
    );
    expect(warnings[3]!.message).toContain('worked ""');
  });

  it('withholds a date listed twice with different values, naming both lines; counts exact repeats once', async () => {
    const file = csvFile(
      'date,worked\n2026-05-04,1\n2026-05-05,1\n2026-05-04,0\n2026-05-05,yes\n2026-05-06,0\n2026-05-06,0\n',
    );
    const { days, warnings } = await readWorkingDays(file);
    expect([...days.values()]).toEqual([
      {
        date: '2026-05-04',
        withheld: {
          worked: { file, reason: 'lists the day twice with different values (the lines are named above)' },
        },
      },
      { date: '2026-05-05', worked: 1 },
      { date: '2026-05-06', worked: 0 },
    ]);
    expect(warnings).toEqual([
      {
        file,
        record: 4,
        message: '2026-05-04 is listed again with another value (1 on line 2, 0 here); neither is used',
      },
      { file, message: '2 lines repeat the date and value of an earlier line; each is counted once' },
    ]);
  });

  it('returns only the range and does not complain about values outside it', async () => {
    const file = csvFile(
      'date,worked\n2026-05-01,maybe\n2026-05-02,1\n2026-05-03,0\n2026-05-03,1\n2026-05-04,1\n2026-13-01,1\n',
    );
    const { days, warnings } = await readWorkingDays(file, { from: '2026-05-02', to: '2026-05-02' });
    expect(worked(days)).toEqual({ '2026-05-02': 1 });
    // A date that is not one cannot be placed inside or outside the range.
    expect(warnings.map((w) => w.record)).toEqual([7]);
    const open = await readWorkingDays(file, { from: '2026-05-03' });
    expect(worked(open.days)).toEqual({ '2026-05-03': undefined, '2026-05-04': 1 });
  });

  it('fails with an InputError naming the file when the header is missing', async () => {
    const noHeader = csvFile('2026-01-01,1\n2026-01-02,0\n');
    await expect(readWorkingDays(noHeader)).rejects.toThrow(InputError);
    await expect(readWorkingDays(noHeader)).rejects.toThrow(
      `${noHeader}:1: missing the header "date,worked"; the first line is "2026-01-01,1"`,
    );
    const wrongName = csvFile('day,work\n2026-01-01,1\n');
    await expect(readWorkingDays(wrongName)).rejects.toThrow(/missing the header "date,worked"/);
    const empty = csvFile('\n\n');
    await expect(readWorkingDays(empty)).rejects.toThrow(
      `${empty}: missing the header "date,worked"; the file is empty`,
    );
  });

  it('fails with an InputError on a file it cannot read or parse', async () => {
    const missing = path.join(dir, 'nope.csv');
    await expect(readWorkingDays(missing)).rejects.toThrow(
      `${missing}: cannot read the working-days file (ENOENT)`,
    );
    const unclosed = csvFile('date,worked\n2026-01-01,1\n\n"2026-01-02,1\n2026-01-03,1\n');
    const error = await readWorkingDays(unclosed).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(`${unclosed}:4: a quote opened on this line is never closed`);
  });

  it('treats a stray quote inside a value as part of the value', async () => {
    const file = csvFile('date,worked\n2026-01-01,1\n2026-01-0"2,1\n2026-01-03,0\n');
    const { days, warnings } = await readWorkingDays(file);
    expect(worked(days)).toEqual({ '2026-01-01': 1, '2026-01-03': 0 });
    expect(warnings).toEqual([
      { file, record: 3, message: 'date "2026-01-0"2" is not a calendar date YYYY-MM-DD; line skipped' },
    ]);
  });
});
