import type { DayRecord } from '../sources/day-record';
import { deriveDays } from './derive';
import { dateRanges, withheldReport } from './withheld';

describe('withheldReport', () => {
  const truncated = {
    file: 'Global Export Data/steps-2026-10-01.json',
    reason:
      'not read whole: unreadable from record 812 on (...); none of the 812 records read from it is used',
  };
  const badSleep = { file: 'Global Export Data/sleep-2026-10-01.json', reason: '1 record of it skipped' };
  const short = {
    file: 'Global Export Data/heart_rate-2026-10-06.json',
    reason: 'last day',
    expected: true as const,
  };

  it('gives one warning per file and reason, listing every withheld metric with its days as ranges', () => {
    const days = new Map<string, DayRecord>([
      ['2026-10-01', { date: '2026-10-01', withheld: { steps: truncated } }],
      ['2026-10-02', { date: '2026-10-02', withheld: { steps: truncated } }],
      ['2026-10-03', { date: '2026-10-03', withheld: { steps: truncated, sleep: badSleep } }],
      ['2026-10-05', { date: '2026-10-05', withheld: { steps: truncated } }],
      ['2026-10-06', { date: '2026-10-06', worked: 1, withheld: { heart: short, steps: short } }],
    ]);
    const metrics = deriveDays(days, { from: '2026-10-01', to: '2026-10-06' });
    expect(withheldReport(metrics, days)).toEqual({
      warnings: [
        {
          file: 'Global Export Data/sleep-2026-10-01.json',
          message:
            '1 record of it skipped; withheld: sleep.minutes_before, sleep.longest_episode on 2026-10-03; ' +
            'sleep.minutes_after on 2026-10-02',
        },
        {
          file: 'Global Export Data/steps-2026-10-01.json',
          message: `${truncated.reason}; withheld: steps on 2026-10-01..2026-10-03, 2026-10-05`,
        },
      ],
      notes: [
        {
          file: 'Global Export Data/heart_rate-2026-10-06.json',
          message: 'last day; withheld: steps, heart.average, heart.max_sustained on 2026-10-06',
        },
      ],
    });
  });

  it('writes consecutive dates as ranges, across month ends', () => {
    expect(dateRanges(['2026-03-02', '2026-02-28', '2026-03-01', '2026-03-04', '2026-03-04'])).toBe(
      '2026-02-28..2026-03-02, 2026-03-04',
    );
    expect(dateRanges([])).toBe('');
  });
});
