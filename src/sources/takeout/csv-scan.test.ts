import { Readable } from 'node:stream';
import { scanInWindows, streamSource } from './byte-windows';
import { forEachCsvRecord } from './csv-records';
import { PlainCsvScanner } from './csv-scan';
import type { DataKind, PlannedFile } from './data-file';
import { recordLimits } from './file-plan';
import { scanGoogleCsvFile, streamGoogleCsvFile } from './google-csv';
import { MAX_RECORD_BYTES } from './json-size-guard';

// The plain-CSV scanner must hand over exactly csv-parse's records (fields and line numbers) for every file it
// accepts; anything else it declines, and csv-parse reads the file.

function chunked(bytes: Buffer, size: number): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks);
}

interface Records {
  records: Array<[string[], number]>;
  count: number;
  error?: string;
}

async function fastRecords(
  text: string | Buffer,
  windowBytes?: number,
  stopAt = Infinity,
  chunk = 5,
): Promise<Records | undefined> {
  const records: Array<[string[], number]> = [];
  const scanner = new PlainCsvScanner((fields, line) => {
    records.push([fields, line]);
    return records.length < stopAt;
  });
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const outcome = await scanInWindows(streamSource(chunked(bytes, chunk)), scanner, windowBytes);
  return outcome === 'declined' ? undefined : { records, count: scanner.count };
}

async function csvParseRecords(text: string | Buffer, stopAt = Infinity): Promise<Records> {
  const records: Array<[string[], number]> = [];
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const outcome = await forEachCsvRecord(chunked(bytes, 7), (fields, line) => {
    records.push([fields, line]);
    return records.length < stopAt;
  });
  return { records, count: outcome.count, ...(outcome.error ? { error: outcome.error.message } : {}) };
}

describe('the plain-CSV scanner', () => {
  const realistic = [
    'timestamp,beats per minute,data source',
    '2026-06-30T10:00:00Z,70,Pixel Watch 3',
    '2026-06-30 21:59:55+0000 , 80 ,  Pixel Watch 3  ',
    '',
    '   ',
    ',,',
    '2026-07-01T10:00:00Z,71',
    '2026-07-01T10:00:05Z,72,Pixel Watch 3,extra',
  ];

  it.each([
    ['LF', realistic.join('\n')],
    ['LF with a last line end', `${realistic.join('\n')}\n`],
    ['CRLF', `${realistic.join('\r\n')}\r\n`],
    ['a byte order mark', `\uFEFF${realistic.join('\n')}`],
    ['blank lines only', '\n\n  \n'],
    ['nothing', ''],
    ['one line without an end', 'a, b ,c'],
  ])('gives csv-parse’s records and line numbers (%s), whatever the windows', async (_, text) => {
    const expected = await csvParseRecords(text);
    expect(expected.error).toBeUndefined();
    for (const windowBytes of [1, 3, 10, undefined])
      expect(await fastRecords(text, windowBytes)).toEqual(expected);
  });

  it('stops where the callback says so, counting as csv-parse does', async () => {
    const text = realistic.join('\n');
    expect(await fastRecords(text, undefined, 2)).toEqual(await csvParseRecords(text, 2));
  });

  it.each([
    ['a quote', 'a,"b,c"\n1,2'],
    ['a tab', 'a,\tb\n1,2'],
    ['a bare carriage return', 'a,b\r1,2'],
    ['mixed line ends', 'a,b\r\n1,2\n3,4'],
    ['a UTF-8 letter', 'a,b\nzwölf,2'],
    ['a byte order mark later on', 'a,b\n\uFEFF1,2'],
  ])('declines %s (csv-parse reads it)', async (_, text) => {
    expect(await fastRecords(text)).toBeUndefined();
  });

  it('declines a line longer than csv-parse’s record size limit', async () => {
    const long = 'x'.repeat(MAX_RECORD_BYTES + 1);
    expect(await fastRecords(`a,b\n${long}\n`, undefined, Infinity, 65536)).toBeUndefined();
    expect(await fastRecords(`a,b\n${long}`, undefined, Infinity, 65536)).toBeUndefined();
  });

  it('gives csv-parse’s records on random text (deterministic fuzzing)', async () => {
    let seed = 777;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    // Half the rounds in the plain form (one kind of line end), half with anything csv-parse may meet.
    const plain = ['a', '1', ',', ',', ' ', ' ', '\n', '\n', '-', ':', 'Z'];
    const any = [...plain, '\r\n', '\r', '"', '\t', 'é', '\u00a0'];
    let accepted = 0;
    for (let round = 0; round < 1500; round++) {
      const alphabet = round % 2 === 0 ? plain : any;
      let text = random() < 0.1 ? '\uFEFF' : '';
      for (let i = 0, n = Math.floor(random() * 40); i < n; i++) {
        text += alphabet[Math.floor(random() * alphabet.length)];
      }
      if (round % 4 === 0) text = text.replace(/\n/g, '\r\n');
      const fast = await fastRecords(text, 1 + Math.floor(random() * 16));
      const expected = await csvParseRecords(text);
      if (fast) {
        accepted++;
        expect([text, fast]).toEqual([text, expected]);
      }
    }
    expect(accepted).toBeGreaterThan(600);
  });
});

describe('the fast path of Google-era CSV files', () => {
  const file = (kind: DataKind, member: string, from?: string): PlannedFile => ({
    kind,
    member,
    layout: 'google-csv',
    period: from ? { from, to: '2026-07-02' } : {},
  });
  const FILES: Array<[PlannedFile, string]> = [
    [
      file('heart', 'Physical Activity_GoogleData/heart_rate_2026-06-30.csv', '2026-06-30'),
      'timestamp,beats per minute,data source\n2026-06-30T10:00:00Z,70,P\n2026-06-30T10:00:00Z,71,P\n' +
        '2026-06-30T10:00:05Z,999,P\nnot a time,70,P\n2026-06-30 10:00:10+0200,72,P\n2026-09-30T10:00:00Z,73,P\n',
    ],
    [
      file('steps', 'Physical Activity_GoogleData/steps_2026-06-30.csv', '2026-06-30'),
      '\uFEFFtimestamp,steps,data source\r\n2026-06-30T10:00:00Z,10,P\r\n2026-06-30T10:01:00Z,12.5,P\r\n',
    ],
    [
      file('resting', 'Physical Activity_GoogleData/daily_resting_heart_rate.csv'),
      'date,beats per minute\n2026-06-30,58\n2026-07-01T00:00:00Z,0\n2026-07-02,\n2026-07-03T09:00:00Z,61\n',
    ],
    [
      file('sleep', 'Health Fitness Data_GoogleData/UserSleeps_2026-06-30.csv'),
      'sleep_id,minutes_to_fall_asleep,minutes_asleep,start_utc_offset,sleep_start,end_utc_offset,sleep_end\n' +
        '11,12,430,+02:00,2026-06-30T21:30:00Z,+02:00,2026-07-01T05:10:00Z\n' +
        '12,3,35,,2026-07-01T12:00:00Z,,2026-07-01T12:40:00Z\n11,12,430,+02:00,2026-06-30T21:30:00Z,+02:00,2026-07-01T05:10:00Z\n',
    ],
    [
      file('heart', 'Physical Activity_GoogleData/heart_rate_2026-07-01.csv', '2026-07-01'),
      'time_of_day,pulse\n1,2\n',
    ],
    [file('heart', 'Physical Activity_GoogleData/heart_rate_2026-07-01.csv', '2026-07-01'), '\n\n'],
  ];

  it.each(FILES.map(([f, text], i) => [i, f, text] as const))(
    'gives csv-parse’s FileRead (file %i)',
    async (_, f, text) => {
      const bytes = Buffer.from(text);
      const fast = await scanGoogleCsvFile(
        streamSource(chunked(bytes, 9)),
        f,
        recordLimits(f),
        'Europe/Berlin',
        16,
      );
      const streaming = await streamGoogleCsvFile(chunked(bytes, 64), f, recordLimits(f), 'Europe/Berlin');
      expect(fast).toBeDefined();
      expect(fast).toEqual(streaming);
    },
  );

  it('leaves a file it declines to csv-parse, which names the break', async () => {
    const [f] = FILES[0]!;
    const text = 'timestamp,beats per minute\n2026-06-30T10:00:00Z,70\n2026-06-30T10:00:05Z,"71\n';
    expect(
      await scanGoogleCsvFile(streamSource(chunked(Buffer.from(text), 9)), f, recordLimits(f), 'UTC'),
    ).toBeUndefined();
    const streaming = await streamGoogleCsvFile(chunked(Buffer.from(text), 9), f, recordLimits(f), 'UTC');
    expect(streaming).toMatchObject({
      whole: false,
      records: 1,
      damage: expect.stringMatching(/^unreadable from line 3/),
    });
  });

  it('reads the usual heart-rate and steps rows from their bytes with the row reader’s result, near misses too', async () => {
    const rows = [
      '2026-06-30T10:00:00Z,70,P', // the usual row
      '2026-06-30T10:00:05Z , 071 ,P',
      '2026-06-30T10:00:10Z,250,P',
      '2026-06-30T10:00:15Z,251,P', // out of bounds
      '2026-06-30T10:00:20Z,19,P',
      '2026-06-30T10:00:25Z,70.5,P',
      '2026-06-30T10:00:30z,70,P', // lower-case z
      '2026-06-30T10:00:35.000Z,70,P',
      '2026-06-30 10:00:40Z,70,P',
      '2026-06-30T10:00:45+0000,70,P',
      '2026-06-30T24:00:00Z,70,P',
      '2026-06-30T10:60:00Z,70,P',
      '2026-02-30T10:00:00Z,70,P', // no such day
      '2026-13-01T10:00:00Z,70,P', // month 13 (parseIsoInstant rolls it over)
      '2026-00-10T10:00:00Z,70,P',
      '0026-06-30T10:00:00Z,70,P',
      '2026-06-30T10:00:50Z,,P',
      '2026-06-30T10:00:55Z',
      ',70,P',
      '2026-06-30T10:01:00Z,1234567890123456,P',
      '2026-06-30T10:01:05Z,70,P',
      '2026-06-30T10:01:05Z,70,P', // an exact repeat
      '2026-06-30T10:01:05Z,72,P', // a conflicting one
      '2026-09-30T10:00:00Z,70,P', // outside the period
    ];
    for (const [kind, header] of [
      ['heart', 'timestamp,beats per minute,data source'],
      ['heart', 'data source,beats per minute,timestamp'],
      ['steps', 'timestamp,steps,data source'],
    ] as const) {
      const f = file(kind, `Physical Activity_GoogleData/${kind}_2026-06-30.csv`, '2026-06-30');
      const lines = header.startsWith('data source')
        ? rows.map((r) => r.split(',').reverse().join(','))
        : rows;
      const bytes = Buffer.from(`${header}\n${lines.join('\n')}\n`);
      const fast = await scanGoogleCsvFile(streamSource(chunked(bytes, 50)), f, recordLimits(f), 'UTC', 64);
      const streaming = await streamGoogleCsvFile(chunked(bytes, 64), f, recordLimits(f), 'UTC');
      expect(fast).toBeDefined();
      expect(fast).toEqual(streaming);
      expect(streaming.skipped).toBeGreaterThan(5);
    }
  });

  it('gives csv-parse’s FileRead on randomly changed heart-rate rows (deterministic fuzzing)', async () => {
    let seed = 4242;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const f = file('heart', 'Physical Activity_GoogleData/heart_rate_2026-06-30.csv', '2026-06-30');
    const rows = Array.from(
      { length: 30 },
      (_, i) => `2026-06-30T10:${String(i).padStart(2, '0')}:0${i % 10}Z,${60 + i},Pixel Watch 3`,
    );
    const base = `timestamp,beats per minute,data source\n${rows.join('\n')}\n`;
    const pieces = ['0', '1', '2', '9', ',', ' ', '-', ':', 'T', 'Z', '.', '\n', 'x'];
    let accepted = 0;
    for (let round = 0; round < 300; round++) {
      let text = base;
      for (let m = 0, edits = 1 + Math.floor(random() * 4); m < edits; m++) {
        const at = 40 + Math.floor(random() * (text.length - 40));
        const piece = pieces[Math.floor(random() * pieces.length)]!;
        text =
          random() < 0.5
            ? text.slice(0, at) + piece + text.slice(at + 1)
            : text.slice(0, at) + piece + text.slice(at);
      }
      const bytes = Buffer.from(text);
      const fast = await scanGoogleCsvFile(streamSource(chunked(bytes, 97)), f, recordLimits(f), 'UTC', 128);
      const streaming = await streamGoogleCsvFile(chunked(bytes, 64), f, recordLimits(f), 'UTC');
      if (fast) {
        accepted++;
        expect([text, fast]).toEqual([text, streaming]);
      }
    }
    expect(accepted).toBeGreaterThan(250);
  });
});
