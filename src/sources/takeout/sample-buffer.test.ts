import { FileReadBuilder } from './file-read';
import { SampleTotals, type RepeatSink } from './sample-buffer';

/** Totals of `samples` ([time, value]) sorted in batches of `batch`, with what the sink heard. */
function totalsOf(samples: Array<[number, number]>, batch: number) {
  const heard: string[] = [];
  const sink: RepeatSink = {
    repeat: () => heard.push('repeat'),
    conflict: (record, t, keptRecord, keptValue, value) =>
      heard.push(`conflict ${record} ${t} ${keptRecord} ${keptValue} ${value}`),
  };
  const totals = new SampleTotals(sink, batch);
  samples.forEach(([t, v], record) => totals.push(t, v, record));
  const { minutes, sums, counts } = totals.finish();
  return {
    minutes: [...minutes],
    sums: [...sums],
    counts: [...counts],
    first: totals.first,
    last: totals.last,
    refused: totals.refused,
    heard,
  };
}

describe('SampleTotals', () => {
  let seed = 99;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };

  it('gives the same totals, repeats and conflicts in batches as all at once, for samples in time order', () => {
    for (let round = 0; round < 200; round++) {
      const samples: Array<[number, number]> = [];
      let t = 1_780_000_000_000;
      for (let i = 0, n = Math.floor(random() * 300); i < n; i++) {
        // Forward by 0 (a repeat, same value or not) to 70 s.
        t += Math.floor(random() * 8) * 10_000;
        samples.push([t, random() < 0.9 ? 60 : 61]);
      }
      const whole = totalsOf(samples, 1 << 20);
      for (const batch of [1, 2, 7, 64]) expect(totalsOf(samples, batch)).toEqual(whole);
      expect(whole.refused).toBeUndefined();
    }
  });

  it('sorts samples out of order within a batch as all at once', () => {
    const samples: Array<[number, number]> = [
      [3_000, 60],
      [1_000, 61],
      [2_000, 62],
      [1_000, 61], // an exact repeat of an earlier record
      [1_000, 70], // a conflict with it
      [90_000, 63],
      [65_000, 64],
    ];
    const whole = totalsOf(samples, 1 << 20);
    expect(whole).toMatchObject({
      minutes: [0, 1],
      counts: [3, 2],
      first: 1_000,
      last: 90_000,
      heard: ['repeat', 'conflict 4 1000 1 61 70'],
    });
    // Batches of 4: the first batch ends at 3,000; everything after it is later or equal.
    expect(totalsOf([...samples.slice(0, 3), [3_000, 60], ...samples.slice(5)], 4)).toMatchObject({
      refused: undefined,
    });
  });

  it('refuses a file whose samples go back before a batch already totalled', () => {
    const samples: Array<[number, number]> = [
      [1_000, 60],
      [2_000, 60],
      [3_000, 60],
      [1_500, 60],
    ];
    expect(totalsOf(samples, 1 << 20).refused).toBeUndefined();
    expect(totalsOf(samples, 2).refused).toMatch(
      /^its samples are not in time order, and more than 2 of them/,
    );
    const builder = new FileReadBuilder(
      {
        kind: 'heart',
        member: 'Global Export Data/heart_rate-2026-06-01.json',
        layout: 'classic-json',
        period: {},
      },
      {},
      2,
    );
    samples.forEach(([t, bpm], record) => {
      builder.countRecord();
      builder.heartSample(record, t, bpm);
    });
    expect(builder.finish()).toMatchObject({
      whole: false,
      records: 4,
      damage: expect.stringMatching(/come before a later one: refused$/),
    });
  });
});
