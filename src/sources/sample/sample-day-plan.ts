/**
 * One civil day of the sample person, minute by minute of elapsed time (1,380, 1,440 or 1,500 minutes: a DST
 * day is shorter or longer): steps, whether the watch is on, whether the heart sensor reads, and the heart rate
 * the body is heading for. Activities are scheduled on the local wall clock, as a person lives.
 */
import { dayKind, isWorked, type DayKind, type SampleCalendar } from './sample-calendar';
import { sampleNight, stageAt, type SampleNight } from './sample-night';
import { seededRandom } from './seeded-random';
import { dayStartUtc, wallClockToUtc } from './zoned-clock';
import { addDays, civilMs } from '../../util/civil-date';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Heart rate relative to resting in each sleep level: deep lowest, REM and awakenings higher. */
const SLEEP_BPM: Readonly<Record<string, number>> = { deep: -5, light: -2, rem: 2, wake: 7 };

export interface PlannedBlock {
  startUtc: number;
  minutes: number;
}

export interface SampleDayPlan {
  date: string;
  kind: DayKind;
  worked: boolean;
  startUtc: number;
  /** Elapsed minutes of the civil day. */
  minutes: number;
  steps: Uint16Array;
  /** 1 while the watch is on: steps rows are written and heart rate is sampled. */
  worn: Uint8Array;
  /** 1 while the heart sensor reads (worn and not in the heart-rate gap). */
  heartOn: Uint8Array;
  targetBpm: Float32Array;
  /** Undefined on the unworn day (the export then says 0). */
  restingHeartRate?: number;
  restingError: number;
  /** The night that ended this morning (its sleep log has dateOfSleep = date when logged). */
  night: SampleNight;
  workout?: PlannedBlock;
  hike?: PlannedBlock;
  heartGap?: PlannedBlock;
}

export function sampleDayPlan(cal: SampleCalendar, date: string): SampleDayPlan {
  const rnd = seededRandom(cal.seed, `day ${date}`);
  // A day runs from its midnight to the next day's, each in the zone lived that day: a day of travel is longer
  // or shorter than 24 hours, as it is on the watch.
  const zone = cal.zoneOn(date);
  const next = addDays(date, 1);
  const startUtc = dayStartUtc(date, zone);
  const minutes = Math.round((dayStartUtc(next, cal.zoneOn(next)) - startUtc) / MINUTE_MS);
  const at = (clockMinute: number): number =>
    Math.round((wallClockToUtc(date, clockMinute, zone) - startUtc) / MINUTE_MS);
  const kind = dayKind(cal, date);

  // Resting heart rate drifts over a few weeks within 55–60.
  const dayNumber = civilMs(date) / DAY_MS;
  const resting = clamp(
    57.5 + 1.6 * Math.sin((dayNumber * 2 * Math.PI) / 19) + rnd.between(-0.9, 0.9),
    55.2,
    59.8,
  );
  const awakeBpm = resting + 13 + rnd.between(-2, 3);

  const plan: SampleDayPlan = {
    date,
    kind,
    worked: isWorked(cal, date),
    startUtc,
    minutes,
    steps: new Uint16Array(minutes),
    worn: new Uint8Array(minutes).fill(1),
    heartOn: new Uint8Array(minutes).fill(1),
    targetBpm: new Float32Array(minutes),
    restingHeartRate: round2(resting),
    restingError: round2(rnd.between(5, 7.5)),
    night: sampleNight(cal, date),
  };

  // Awake: a few steps now and then (more at home than at the desk); asleep: none, heart per sleep level.
  const nights = [plan.night, sampleNight(cal, addDays(date, 1))];
  const awake = new Uint8Array(minutes);
  const fidget = kind === 'workday' ? 0.12 : 0.1;
  for (let m = 0; m < minutes; m++) {
    const instant = startUtc + m * MINUTE_MS;
    const level = stageAt(nights[0]!, instant) ?? stageAt(nights[1]!, instant);
    if (level) {
      plan.targetBpm[m] = resting + (SLEEP_BPM[level] ?? 0);
    } else {
      awake[m] = 1;
      if (rnd.chance(fidget)) plan.steps[m] = rnd.int(3, 45);
    }
  }

  const walk = (
    clockStart: number,
    length: number,
    minRate: number,
    maxRate: number,
    pauses = 0,
  ): PlannedBlock => {
    const from = at(clockStart);
    for (let m = from; m < Math.min(from + length, minutes); m++) {
      plan.steps[m] = rnd.chance(pauses) ? rnd.int(0, 20) : rnd.int(minRate, maxRate);
    }
    return { startUtc: startUtc + from * MINUTE_MS, minutes: length };
  };
  if (kind === 'workday') {
    walk(rnd.int(460, 480), rnd.int(22, 30), 95, 118); // commute to work, 07:40–08:00
    walk(rnd.int(720, 750), rnd.int(15, 25), 80, 100); // lunch walk
    walk(rnd.int(1035, 1080), rnd.int(22, 30), 95, 118); // commute home, 17:15–18:00
  } else if (kind === 'hike') {
    plan.hike = walk(rnd.int(570, 630), rnd.int(180, 240), 85, 112, 0.08);
  } else {
    walk(rnd.int(600, 900), rnd.int(25, 50), 75, 95); // errands
  }
  // Walking raises the heart rate with the cadence.
  for (let m = 0; m < minutes; m++) {
    if (awake[m]) plan.targetBpm[m] = awakeBpm + Math.min(plan.steps[m]!, 130) * 0.42;
  }

  // An evening workout (gym or indoor bike: hard on the heart, few steps) on some non-hike days.
  if (kind !== 'hike' && rnd.chance(0.4)) {
    const from = at(kind === 'workday' ? rnd.int(1140, 1200) : rnd.int(1020, 1080));
    const length = rnd.int(20, 40);
    const plateau = rnd.between(138, 150);
    for (let i = 0; i < length; i++) {
      const ramp = Math.min(1, (i + 1) / 3);
      const bpm = clamp(plateau + 6 * Math.sin(i / 3) + rnd.between(-4, 4), 130, 160);
      plan.targetBpm[from + i] = awakeBpm + (bpm - awakeBpm) * ramp;
      plan.steps[from + i] = rnd.int(0, 8);
    }
    plan.workout = { startUtc: startUtc + from * MINUTE_MS, minutes: length };
  }

  // Charging most evenings, 21:00–22:20 at the latest (before any bedtime): no heart rate, no steps rows.
  if (rnd.chance(0.8)) setRange(plan.worn, at(rnd.int(1260, 1300)), rnd.int(20, 40), 0);

  if (date === cal.unwornDate) {
    plan.worn.fill(0);
    plan.restingHeartRate = undefined;
    plan.workout = plan.hike = undefined; // nothing recorded them
  }
  if (date === cal.heartGapDate) {
    const from = at(570); // 09:30 until 13:45
    const length = at(825) - from;
    setRange(plan.heartOn, from, length, 0);
    plan.heartGap = { startUtc: startUtc + from * MINUTE_MS, minutes: length };
  }
  for (let m = 0; m < minutes; m++) {
    if (plan.worn[m]) continue;
    plan.heartOn[m] = 0;
    plan.steps[m] = 0;
  }
  return plan;
}

function setRange(array: Uint8Array, from: number, length: number, value: number): void {
  array.fill(value, from, Math.min(from + length, array.length));
}

function clamp(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, x));
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
