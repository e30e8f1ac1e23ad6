import { Readable } from 'node:stream';
import { scanInWindows, streamSource } from './byte-windows';
import { scanClassicFile, streamClassicFile } from './classic-json';
import { classicShape } from './classic-shapes';
import type { DataKind, PlannedFile } from './data-file';
import { recordLimits } from './file-plan';
import { FileReadBuilder, type FileRead } from './file-read';
import { JsonArrayScanner } from './json-scan';
import { MAX_RECORD_BYTES, MAX_TOKEN_BYTES } from './json-size-guard';

// The fast path must give exactly the streaming parser's FileRead for every file it accepts, and decline (so
// that the streaming parser reads it) every file the streaming parser does not read whole.

function chunked(bytes: Buffer, size: number): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks);
}

const PERIODS: Record<DataKind, { from: string; to?: string }> = {
  heart: { from: '2026-06-01', to: '2026-06-02' },
  steps: { from: '2026-06-01', to: '2026-07-01' },
  resting: { from: '2026-01-01' },
  sleep: { from: '2026-06-01', to: '2026-07-01' },
};

function planned(kind: DataKind): PlannedFile {
  return { kind, member: `Global Export Data/${kind}.json`, layout: 'classic-json', period: PERIODS[kind] };
}

interface Both {
  fast: FileRead | undefined;
  streaming: FileRead;
}

async function readBoth(
  kind: DataKind,
  text: string | Buffer,
  windowBytes?: number,
  chunk = 4096,
): Promise<Both> {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const file = planned(kind);
  const fast = await scanClassicFile(
    streamSource(chunked(bytes, chunk)),
    file,
    recordLimits(file),
    windowBytes,
  );
  const streaming = await streamClassicFile(chunked(bytes, 64 * 1024), file, recordLimits(file));
  return { fast, streaming };
}

/** The property: accepted means equal; declined means the streaming parser did not read it whole. */
async function expectAgreement(kind: DataKind, text: string | Buffer, windowBytes?: number): Promise<Both> {
  const both = await readBoth(kind, text, windowBytes);
  if (both.fast) expect(both.fast).toEqual(both.streaming);
  else expect(both.streaming.whole).toBe(false);
  return both;
}

/** Jackson's pretty printer, as real exports and the sample generator write records. */
function pretty(records: unknown[]): string {
  const body = records.map((r) =>
    JSON.stringify(r, null, 2)
      .replace(/": /g, '" : ')
      .replace(/^( *)\[\n\s*\]/gm, '$1[ ]'),
  );
  return `[${body.join(',')}]`;
}

const heartRecord = (time: string, bpm: unknown, extra: Record<string, unknown> = {}) => ({
  dateTime: `06/01/26 ${time}`,
  value: { bpm, confidence: 2 },
  ...extra,
});
const stepsRecord = (time: string, value: unknown) => ({ dateTime: `06/01/26 ${time}`, value });

const HEART = Array.from({ length: 40 }, (_, i) =>
  heartRecord(
    `10:${String(Math.floor(i / 4)).padStart(2, '0')}:${String((i % 4) * 15).padStart(2, '0')}`,
    60 + i,
  ),
);
const STEPS = Array.from({ length: 40 }, (_, i) =>
  stepsRecord(
    `${String(8 + Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`,
    String(i % 7),
  ),
);
const RESTING = [
  { dateTime: '06/01/26 00:00:00', value: { date: '06/01/26', value: 57.1, error: 6.1 } },
  { dateTime: '06/02/26 00:00:00', value: { date: '06/02/26', value: 0, error: 0 } },
];
const SLEEP = [
  {
    logId: 7,
    dateOfSleep: '2026-06-02',
    startTime: '2026-06-01T23:10:00.000',
    endTime: '2026-06-02T06:40:00.000',
    minutesAsleep: 410,
    mainSleep: true,
    levels: { data: [{ dateTime: '2026-06-01T23:10:00.000', level: 'light', seconds: 1800 }] },
  },
  { logId: 8, dateOfSleep: '2026-06-03', minutesAsleep: 30, mainSleep: false },
];
const BASE: Record<DataKind, unknown[]> = { heart: HEART, steps: STEPS, resting: RESTING, sleep: SLEEP };

describe('the fast path of classic JSON files', () => {
  it('reads the usual heart-rate and steps records by their shape, compact and pretty-printed', () => {
    for (const [kind, records] of [
      ['heart', HEART],
      ['steps', STEPS],
    ] as const) {
      for (const text of [JSON.stringify(records), pretty(records)]) {
        const builder = new FileReadBuilder(planned(kind), {});
        const generic = jest.fn();
        const scanner = new JsonArrayScanner(generic, classicShape(kind, builder));
        const bytes = Buffer.from(text);
        expect(scanner.feed(bytes, true)).toBe(bytes.length);
        expect(generic).not.toHaveBeenCalled();
        expect(scanner.count).toBe(records.length);
        expect(builder.finish().records).toBe(records.length);
      }
    }
  });

  it('gives the streaming parser’s result for every kind, whatever the windows and chunks', async () => {
    for (const kind of ['heart', 'steps', 'resting', 'sleep'] as const) {
      for (const text of [JSON.stringify(BASE[kind]), pretty(BASE[kind])]) {
        for (const windowBytes of [1, 7, 100, 5000, undefined]) {
          const { fast, streaming } = await readBoth(kind, text, windowBytes, 13);
          expect(streaming.whole).toBe(true);
          expect(fast).toEqual(streaming);
        }
      }
    }
  });

  it('gives the same result for records off the usual shape (read by JSON.parse) as the streaming parser', async () => {
    const odd = [
      heartRecord('10:00:00', '64'), // a string
      heartRecord('10:00:05', 64.5),
      heartRecord('10:00:10', 6.45e1),
      heartRecord('10:00:15', -64),
      heartRecord('10:00:20', 1e308),
      heartRecord('10:00:25', 99999),
      heartRecord('10:00:30', null),
      heartRecord('10:00:35', 70, { extra: [1, { a: '}' }] }),
      { value: { bpm: 71, confidence: 2 }, dateTime: '06/01/26 10:00:40' }, // keys swapped
      { dateTime: '06/01/26 10:00:45', value: { bpm: 72 } }, // no confidence
      { dateTime: '06/01/26 10:00:50', value: { confidence: 2, bpm: 73 } },
      { dateTime: '02/30/26 10:00:55', value: { bpm: 74, confidence: 2 } }, // no such date
      { dateTime: '06/01/26 25:00:00', value: { bpm: 75, confidence: 2 } }, // no such time
      { dateTime: '06/01/26 10:01', value: { bpm: 76, confidence: 2 } },
      { dateTime: 'x6/01/26 10:01:05', value: { bpm: 77, confidence: 2 } },
      { dateTime: '06/01/26 10:01:10', value: 78 },
      heartRecord('10:01:15', 79),
      heartRecord('10:01:15', 79), // an exact repeat
      heartRecord('10:01:15', 80), // a conflicting one
      { dateTime: '07/09/26 10:01:20', value: { bpm: 81, confidence: 2 } }, // outside the period
      'not an object',
      [1, 2],
      null,
      heartRecord('10:01:25', 82),
    ];
    const escaped = pretty(odd).replace('"06/01/26 10:01:25"', '"06\\/01\\/26 10:01:25"');
    // Numbers JSON.stringify never writes: beyond a double, negative zero, exponents with a sign.
    const numbers = JSON.stringify(odd)
      .replace('"bpm":1e+308', '"bpm":1e400')
      .replace('"bpm":-64', '"bpm":-0')
      .replace('"bpm":64.5', '"bpm":6450E-2');
    const spaced = JSON.stringify(odd).replace(/,/g, ' ,\r\n\t').replace(/:/g, ': ');
    for (const text of [
      JSON.stringify(odd),
      pretty(odd),
      escaped,
      numbers,
      spaced,
      ` \n ${JSON.stringify(odd)}\n\n`,
    ]) {
      const { fast, streaming } = await readBoth('heart', text);
      expect(fast).toBeDefined();
      expect(fast).toEqual(streaming);
      expect(streaming.skipped).toBeGreaterThan(5);
    }
    const steps = [
      stepsRecord('10:00:00', '12'),
      stepsRecord('10:01:00', 12),
      stepsRecord('10:02:00', ' 12 '),
      stepsRecord('10:03:00', '12.5'),
      stepsRecord('10:04:00', '600'),
      stepsRecord('10:05:00', '1e2'),
      stepsRecord('10:06:00', '\u0031\u0032'),
      stepsRecord('10:07:00', 'zwölf'),
      stepsRecord('10:08:00', -3),
      stepsRecord('10:09:00', '0012'),
      stepsRecord('10:10:00', '9'.repeat(80)),
    ];
    for (const text of [
      JSON.stringify(steps),
      pretty(steps),
      JSON.stringify(steps).replace('"12"', '"\\u0031\\u0032"'),
    ]) {
      const { fast, streaming } = await readBoth('steps', text);
      expect(fast).toBeDefined();
      expect(fast).toEqual(streaming);
    }
  });

  it('declines what the streaming parser does not read whole: truncated at any point, empty, not an array', async () => {
    const text = pretty(HEART.slice(0, 6));
    for (let cut = 0; cut < text.length; cut++) {
      const both = await expectAgreement('heart', text.slice(0, cut));
      // Only trailing whitespace may be cut off without damage; everything else is declined.
      expect(both.fast === undefined).toBe(cut < text.length);
    }
    for (const bad of [
      '',
      '   ',
      '{"a":1}',
      '[1,2',
      '[1,2]]',
      '[1,,2]',
      '[1 2]',
      '[01]',
      '[1] x',
      '[{"a":1]}',
    ]) {
      const both = await expectAgreement('heart', bad);
      expect(both.fast).toBeUndefined();
    }
    expect((await readBoth('heart', '[ ]')).fast).toEqual((await readBoth('heart', '[ ]')).streaming);
    // A byte order mark: the streaming parser skips it; the fast path leaves such a file to it.
    const bom = await readBoth('heart', `\uFEFF${JSON.stringify(HEART)}`);
    expect(bom.fast).toBeUndefined();
    expect(bom.streaming).toMatchObject({ whole: true, records: HEART.length });
  });

  it('declines a value or a record larger than the size guard allows (the streaming parser refuses it)', async () => {
    const longString = `[{"dateTime":"06/01/26 10:00:00","value":{"bpm":60,"note":"${'x'.repeat(MAX_TOKEN_BYTES + 1)}"}}]`;
    const longNumber = `[${'1'.repeat(MAX_TOKEN_BYTES + 1)}]`;
    const escapes = `["${'\\"'.repeat(MAX_TOKEN_BYTES / 2 + 1)}"]`;
    const wideRecord = `[{"dateTime"${' '.repeat(MAX_RECORD_BYTES)}:"06/01/26 10:00:00","value":{"bpm":60}}]`;
    const manyValues = `[{"a":[${Array.from({ length: MAX_RECORD_BYTES / 2 + 1 }, () => '1').join(',')}]}]`;
    for (const text of [longString, longNumber, escapes, wideRecord, manyValues]) {
      const both = await expectAgreement('heart', text);
      expect(both.fast).toBeUndefined();
      expect(both.streaming.damage).toMatch(/refused/);
    }
    // Just under the bounds: read, and the same as the streaming parser.
    const fine = `[{"dateTime":"06/01/26 10:00:00","value":{"bpm":60,"note":"${'x'.repeat(MAX_TOKEN_BYTES - 10)}"}}]`;
    expect((await expectAgreement('heart', fine)).fast).toBeDefined();
  });

  it('gives the streaming parser’s result on randomly damaged files (deterministic fuzzing)', async () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    const pieces = [
      '"',
      '\\',
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      ' ',
      '\n',
      '0',
      '9',
      '-',
      '.',
      'e',
      'a',
      'é',
      '\u0000',
    ];
    let accepted = 0;
    for (let round = 0; round < 400; round++) {
      const kind = pick(['heart', 'steps', 'resting', 'sleep'] as const);
      const base = Buffer.from(random() < 0.5 ? pretty(BASE[kind]) : JSON.stringify(BASE[kind]));
      let bytes = base;
      for (let m = 0, edits = 1 + Math.floor(random() * 3); m < edits; m++) {
        const at = Math.floor(random() * bytes.length);
        const op = pick(['insert', 'delete', 'replace', 'duplicate', 'truncate'] as const);
        const piece = Buffer.from(pick(pieces));
        if (op === 'insert') bytes = Buffer.concat([bytes.subarray(0, at), piece, bytes.subarray(at)]);
        else if (op === 'delete') bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
        else if (op === 'replace')
          bytes = Buffer.concat([bytes.subarray(0, at), piece, bytes.subarray(at + 1)]);
        else if (op === 'duplicate')
          bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at, at + 40), bytes.subarray(at)]);
        else bytes = bytes.subarray(0, at);
      }
      const both = await expectAgreement(kind, bytes, pick([7, 300, undefined]));
      if (both.fast) accepted++;
      // Whatever JSON.parse accepts, the streaming parser reads whole too (no file is declined needlessly).
      if (both.streaming.whole) expect(both.fast).toBeDefined();
    }
    expect(accepted).toBeGreaterThan(40);
  });

  it('declines an unreadable input', async () => {
    const broken = new Readable({ read() {} });
    broken.push(Buffer.from('[1,2,'));
    setImmediate(() => broken.destroy(new Error('EIO')));
    const file = planned('heart');
    expect(await scanClassicFile(streamSource(broken), file, recordLimits(file))).toBeUndefined();
  });

  it('declines without consuming more than a record past the bound (a window plus a record is held)', async () => {
    // A 64 MB string arrives in 1 MB chunks: the scan gives up once the unfinished record passes the bound.
    let sent = 0;
    const endless = new Readable({
      read() {
        sent += 1 << 20;
        this.push(
          sent === 1 << 20 ? Buffer.from(`["${'a'.repeat((1 << 20) - 2)}`) : Buffer.alloc(1 << 20, 0x61),
        );
        if (sent >= 64 << 20) this.push(null);
      },
    });
    const builder = new FileReadBuilder(planned('heart'), {});
    expect(
      await scanInWindows(
        streamSource(endless),
        new JsonArrayScanner(() => {}, classicShape('heart', builder)),
      ),
    ).toBe('declined');
    expect(sent).toBeLessThan(MAX_RECORD_BYTES + 3 * (1 << 20));
  });
});
