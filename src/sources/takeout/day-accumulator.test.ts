import { DayAccumulator } from './day-accumulator';

describe('DayAccumulator', () => {
  it('keeps only dates in the inclusive range', () => {
    const days = new DayAccumulator({ from: '2026-06-02', to: '2026-06-03' });
    for (const date of ['2026-06-01', '2026-06-02', '2026-06-03', '2026-06-04']) {
      days.addSteps(date, 1);
      days.addHeart(date, 10, 60);
    }
    expect([...days.build().keys()]).toEqual(['2026-06-02', '2026-06-03']);
  });

  it('merges samples of one clock minute, and sorts minutes and days', () => {
    const days = new DayAccumulator();
    days.addHeart('2026-06-02', 150, 60);
    days.addHeart('2026-06-01', 5, 50);
    days.addHeart('2026-06-02', 3, 70);
    days.addHeart('2026-06-02', 150, 80);
    expect([...days.build().values()]).toEqual([
      { date: '2026-06-01', heart: { sum: 50, count: 1, minutes: [[5, 50, 1]] } },
      {
        date: '2026-06-02',
        heart: {
          sum: 210,
          count: 3,
          minutes: [
            [3, 70, 1],
            [150, 140, 2],
          ],
        },
      },
    ]);
  });

  it('drops resting 0, keeps a sleep found twice once, and orders sleeps by start', () => {
    const days = new DayAccumulator();
    days.setRestingHeartRate('2026-06-01', 0);
    const nap = {
      dateOfSleep: '2026-06-02',
      isMainSleep: false,
      minutesAsleep: 30,
      startTime: '2026-06-02T14:00:00.000',
    };
    const night = {
      dateOfSleep: '2026-06-02',
      isMainSleep: true,
      minutesAsleep: 400,
      startTime: '2026-06-01T23:00:00.000',
    };
    days.addSleep(nap, '2');
    days.addSleep(night, '1');
    days.addSleep({ ...night }, '1');
    expect([...days.build().values()]).toEqual([{ date: '2026-06-02', sleeps: [night, nap] }]);
  });
});
