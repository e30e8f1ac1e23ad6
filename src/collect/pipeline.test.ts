import type { DayRecord, SourceResult } from '../sources/day-record';
import { mergeRecords } from './pipeline';

const result = (source: string, records: DayRecord[]): SourceResult => ({
  source,
  timeZone: 'Europe/Berlin',
  days: new Map(records.map((r) => [r.date, r])),
  warnings: [],
  inputs: records.length,
});

const heart = { sum: 140, count: 2, minutes: [[600, 140, 2]] as Array<[number, number, number]> };
const sleep = {
  dateOfSleep: '2026-11-03',
  isMainSleep: true,
  minutesAsleep: 431,
  levels: [{ level: 'light', seconds: 600 }],
};

describe('mergeRecords', () => {
  it('merges the working-days file into the health day records, field by field', () => {
    const health = result('takeout', [
      { date: '2026-11-02', steps: 8012, restingHeartRate: 57, heart },
      { date: '2026-11-03', steps: 4100, sleeps: [sleep] },
    ]);
    const workingDays = result('working-days', [
      { date: '2026-11-02', worked: 1 },
      { date: '2026-11-03', worked: 0 },
    ]);
    expect([...mergeRecords([health, workingDays])]).toEqual([
      ['2026-11-02', { date: '2026-11-02', steps: 8012, restingHeartRate: 57, heart, worked: 1 }],
      ['2026-11-03', { date: '2026-11-03', steps: 4100, sleeps: [sleep], worked: 0 }],
    ]);
  });

  it('lets a later source fill only the fields it defines: undefined never erases a value', () => {
    const first = result('takeout', [{ date: '2026-11-02', steps: 8012, restingHeartRate: 57, heart }]);
    const second = result('other', [
      { date: '2026-11-02', steps: undefined, restingHeartRate: 58, heart: undefined, worked: undefined },
    ]);
    const merged = mergeRecords([first, second]).get('2026-11-02');
    // restingHeartRate is defined by the later source, so it replaces the earlier value; the rest stays.
    expect(merged).toEqual({ date: '2026-11-02', steps: 8012, restingHeartRate: 58, heart });
    expect(Object.keys(merged!).sort()).toEqual(['date', 'heart', 'restingHeartRate', 'steps']);
  });

  it('keeps worked = 0 (a defined falsy value) and a steps count of 0', () => {
    const health = result('takeout', [{ date: '2026-11-07', steps: 0 }]);
    const workingDays = result('working-days', [{ date: '2026-11-07', worked: 0 }]);
    expect(mergeRecords([health, workingDays]).get('2026-11-07')).toEqual({
      date: '2026-11-07',
      steps: 0,
      worked: 0,
    });
  });

  it('adds dates only one source has, and iterates in ascending date order whatever the input order', () => {
    const health = result('takeout', [
      { date: '2026-11-05', steps: 5 },
      { date: '2026-11-01', steps: 1 },
    ]);
    const workingDays = result('working-days', [
      { date: '2026-11-09', worked: 1 },
      { date: '2026-10-31', worked: 0 },
      { date: '2026-11-05', worked: 1 },
    ]);
    const merged = mergeRecords([health, workingDays]);
    expect([...merged.keys()]).toEqual(['2026-10-31', '2026-11-01', '2026-11-05', '2026-11-09']);
    expect([...merged.values()]).toEqual([
      { date: '2026-10-31', worked: 0 },
      { date: '2026-11-01', steps: 1 },
      { date: '2026-11-05', steps: 5, worked: 1 },
      { date: '2026-11-09', worked: 1 },
    ]);
  });

  it('does not modify the records of the sources', () => {
    const healthRecord: DayRecord = { date: '2026-11-02', steps: 8012 };
    const wdRecord: DayRecord = { date: '2026-11-02', worked: 1 };
    const merged = mergeRecords([result('takeout', [healthRecord]), result('working-days', [wdRecord])]);
    merged.get('2026-11-02')!.steps = 1;
    expect(healthRecord).toEqual({ date: '2026-11-02', steps: 8012 });
    expect(wdRecord).toEqual({ date: '2026-11-02', worked: 1 });
  });

  it('gives an empty map for no sources and for sources without days', () => {
    expect(mergeRecords([]).size).toBe(0);
    expect(mergeRecords([result('takeout', []), result('working-days', [])]).size).toBe(0);
  });
});
