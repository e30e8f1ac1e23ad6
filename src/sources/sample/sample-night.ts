/**
 * One night of the sample person: when they slept and the stage sequence, as Fitbit's v1.2 sleep log has it.
 * Heart rate and steps of the surrounding days are derived from the same night, so a logged sleep and the
 * low night-time heart rate agree.
 */
import type { SleepSegment } from '../day-record';
import { isWorked, type SampleCalendar } from './sample-calendar';
import { seededRandom, type Random } from './seeded-random';
import { dayStartUtc, wallClockToUtc } from './zoned-clock';
import { addDays } from '../../util/civil-date';

const MINUTE_MS = 60_000;

export interface SampleNight {
  /** The civil date the sleep ended on: Fitbit's dateOfSleep. */
  wakeDate: string;
  startUtc: number;
  endUtc: number;
  /** Whole minutes each (so every level's total is whole minutes), back to back from startUtc to endUtc. */
  segments: SleepSegment[];
  /** False on the night without a sleep log and when the watch was off that morning. */
  logged: boolean;
}

export function sampleNight(cal: SampleCalendar, wakeDate: string): SampleNight {
  const rnd = seededRandom(cal.seed, `night ${wakeDate}`);
  // Workdays end 06:30–07:15, other days 07:30–08:30; 6.5–8 h from falling asleep to getting up.
  const wakeClock = isWorked(cal, wakeDate) ? rnd.int(390, 435) : rnd.int(450, 510);
  const endUtc = wallClockToUtc(wakeDate, wakeClock, cal.zoneOn(wakeDate));
  let startUtc = endUtc - rnd.int(390, 480) * MINUTE_MS;
  // The watch goes back on at midnight after the unworn day, so that night's record starts then.
  if (cal.unwornDate !== undefined && wakeDate === addDays(cal.unwornDate, 1)) {
    startUtc = Math.max(startUtc, dayStartUtc(wakeDate, cal.zoneOn(wakeDate)) + 10 * MINUTE_MS);
  }
  const segments = sleepStages(rnd, Math.round((endUtc - startUtc) / MINUTE_MS));
  const logged = wakeDate !== cal.unwornDate && wakeDate !== cal.noSleepLogDate;
  return { wakeDate, startUtc, endUtc, segments, logged };
}

/**
 * ~90-minute cycles of light → deep → light → REM, deep sleep front-loaded and REM growing towards morning,
 * short awakenings between cycles (now and then a long one), ending with a few minutes awake.
 */
function sleepStages(rnd: Random, totalMinutes: number): SleepSegment[] {
  const finalWake = rnd.int(2, 9);
  const planned: Array<[string, number]> = [['light', rnd.int(8, 20)]];
  for (let cycle = 0; sum(planned) < totalMinutes; cycle++) {
    const deep = cycle < 2 ? rnd.int(18, 40) : cycle < 3 ? rnd.int(5, 15) : rnd.int(0, 6);
    const rem = cycle === 0 ? rnd.int(4, 10) : cycle < 3 ? rnd.int(12, 25) : rnd.int(20, 35);
    planned.push(['light', rnd.int(15, 35)], ['deep', deep], ['light', rnd.int(8, 20)], ['rem', rem]);
    if (rnd.chance(0.55)) planned.push(['wake', rnd.chance(0.12) ? rnd.int(10, 25) : rnd.int(1, 4)]);
  }
  // Cut to the night's length, keeping the final awakening.
  const segments: SleepSegment[] = [];
  let left = totalMinutes - finalWake;
  for (const [level, minutes] of planned) {
    if (left <= 0) break;
    const take = Math.min(minutes, left);
    if (take === 0) continue; // a cycle without deep sleep
    left -= take;
    const last = segments[segments.length - 1];
    if (last && last.level === level) last.seconds += take * 60;
    else segments.push({ level, seconds: take * 60 });
  }
  const last = segments[segments.length - 1];
  if (last && last.level === 'wake') last.seconds += finalWake * 60;
  else segments.push({ level: 'wake', seconds: finalWake * 60 });
  return segments;
}

function sum(planned: Array<[string, number]>): number {
  return planned.reduce((s, [, m]) => s + m, 0);
}

/** Minutes asleep (every level but wake), optionally only before an instant (midnight, for the summary). */
export function asleepMinutes(night: SampleNight, beforeUtc = Infinity): number {
  let t = night.startUtc;
  let seconds = 0;
  for (const s of night.segments) {
    const end = t + s.seconds * 1000;
    if (s.level !== 'wake') seconds += Math.max(0, Math.min(end, beforeUtc) - t) / 1000;
    t = end;
  }
  return seconds / 60;
}

/** The sleep level at an instant, or undefined outside the night (out of bed); for the day plans. */
export function stageAt(night: SampleNight, instantMs: number): string | undefined {
  if (instantMs < night.startUtc || instantMs >= night.endUtc) return undefined;
  let t = night.startUtc;
  for (const s of night.segments) {
    t += s.seconds * 1000;
    if (instantMs < t) return s.level;
  }
  return undefined;
}
