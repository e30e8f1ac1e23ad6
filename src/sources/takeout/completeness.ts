/**
 * The completeness rule (see assemble-days.ts and the README): the checks that withhold an input of a day,
 * each with a reason naming the file. They run after every file's records are on their days.
 */
import { addDays } from '../../util/civil-date';
import type { DayInput, SourceWarning, WithheldReason } from '../day-record';
import { KIND_NAMES, type DataKind, type PlannedFile } from './data-file';
import { covers } from './file-plan';
import { isoOf, type FileRead } from './file-read';
import type { DayState } from './day-state';

/** A daily heart-rate file (a period of exactly one day). */
export function isOneDay(file: PlannedFile): boolean {
  const p = file.period;
  return p?.from !== undefined && p.to === addDays(p.from, 1);
}

function damageReason(read: FileRead): string {
  const lost =
    read.records === 0
      ? 'no record of it could be read'
      : `none of the ${read.records === 1 ? '1 record' : `${read.records} records`} read from it is used`;
  return `not read whole: ${read.damage ?? 'damaged'}; ${lost}`;
}

/** Days holding a skipped record (or, when its place is unknown, every day of the file) are withheld. */
export function markDoubtful(
  read: FileRead,
  file: PlannedFile,
  states: Map<string, DayState>,
  stateAt: (instant: number) => DayState | undefined,
): void {
  if (read.skipped === 0) return;
  const reason: WithheldReason = {
    file: read.member,
    reason: `${read.skipped === 1 ? '1 record' : `${read.skipped} records`} of it skipped (named in the warnings about it)`,
  };
  const input = read.kind as DayInput;
  for (const t of read.doubtfulInstants) stateAt(t)?.withhold(input, reason);
  for (const d of read.doubtfulDates) states.get(d)?.withhold(input, reason);
  if (read.doubtfulEverywhere) {
    for (const [date, state] of states) {
      if (covers(file, date) || state.contributors.get(read.kind)?.has(read.member))
        state.withhold(input, reason);
    }
  }
}

/** Every file covering a day, or with records on it, must be whole; samples need a file covering their day. */
export function checkFiles(
  files: readonly PlannedFile[],
  reads: ReadonlyMap<string, FileRead>,
  states: Map<string, DayState>,
): void {
  for (const [date, state] of states) {
    for (const kind of ['steps', 'heart', 'resting', 'sleep'] as const) {
      const covering = files.filter((f) => f.kind === kind && covers(f, date));
      const contributors = [...(state.contributors.get(kind) ?? [])];
      for (const member of new Set([...covering.map((f) => f.member), ...contributors])) {
        const read = reads.get(member);
        if (read && !read.whole) state.withhold(kind, { file: member, reason: damageReason(read) });
      }
      if (kind !== 'steps' && kind !== 'heart') continue;
      if (covering.length === 0 && contributors.length > 0) {
        state.withhold(kind, {
          file: contributors[0] as string,
          reason: `some of its samples fall on a day that no ${KIND_NAMES[kind]} file covers (a missing or misnamed file's day)`,
        });
      }
      const spans = contributors
        .map((m) => reads.get(m))
        .filter((r): r is FileRead => r?.first !== undefined && r.last !== undefined)
        .sort((a, b) => a.first! - b.first!);
      for (let i = 1; i < spans.length; i++) {
        const a = spans[i - 1] as FileRead;
        const b = spans[i] as FileRead;
        if (b.first! <= a.last!) {
          state.withhold(kind, {
            file: b.member,
            reason: `holds samples of the same hours as ${a.member} (two versions of them)`,
          });
        }
      }
    }
  }
}

/**
 * A misnamed file is reported through the days its records fall on (checkFiles); one whose records fall on no
 * day of the range (or that holds none) is named here, so it never goes unmentioned.
 */
export function misnamedWithoutDays(
  files: readonly PlannedFile[],
  reads: ReadonlyMap<string, FileRead>,
  states: Map<string, DayState>,
): SourceWarning[] {
  const warnings: SourceWarning[] = [];
  for (const file of files.filter((f) => f.misnamed)) {
    const read = reads.get(file.member);
    const placed = [...states.values()].some((s) => s.contributors.get(file.kind)?.has(file.member));
    if (!read || placed) continue;
    warnings.push({
      file: file.member,
      message: `${file.misnamed}; not used (${read.records === 1 ? '1 record' : `${read.records} records`}, none on the days collected)`,
    });
  }
  return warnings;
}

/** A day with a resting heart rate was worn: no heart-rate or steps file for it means a file is missing. */
export function checkMissing(files: readonly PlannedFile[], states: Map<string, DayState>): void {
  const folderOf = (kind: DataKind) => {
    const member = files.find((f) => f.kind === kind)?.member ?? files[0]?.member ?? '';
    return member.slice(0, member.lastIndexOf('/') + 1);
  };
  for (const [date, state] of states) {
    if (state.resting === undefined || state.withheld.resting) continue;
    for (const kind of ['heart', 'steps'] as const) {
      if (files.some((f) => f.kind === kind && covers(f, date))) continue;
      const classic = files.some((f) => f.kind === kind && f.layout === 'classic-json');
      const expected =
        kind === 'heart' && classic
          ? `${folderOf(kind)}heart_rate-${date}.json`
          : `${folderOf(kind)}${kind === 'heart' ? 'heart_rate' : 'steps'} file covering ${date}`;
      state.withhold(kind, {
        file: expected,
        reason: `missing: the day has a resting heart rate (the tracker was worn) but no ${KIND_NAMES[kind]} file covers it, so all of that day's ${KIND_NAMES[kind]} records are lost`,
      });
    }
  }
}

/**
 * The export's first and last day (by heart-rate file names) are short when their heart-rate file does not
 * show a whole day: the tracker started, or the export was made, during the day.
 */
export function checkShortDays(
  allFiles: readonly PlannedFile[],
  reads: ReadonlyMap<string, FileRead>,
  spans: ReadonlyMap<string, unknown>,
  states: Map<string, DayState>,
): void {
  const heartFiles = allFiles
    .filter((f) => f.kind === 'heart' && isOneDay(f))
    .sort((a, b) => a.date!.localeCompare(b.date!));
  const edges: Array<[PlannedFile | undefined, 'first' | 'last']> = [
    [heartFiles[0], 'first'],
    [heartFiles[heartFiles.length - 1], 'last'],
  ];
  for (const [file, edge] of edges) {
    const date = file?.date;
    const read = file ? reads.get(file.member) : undefined;
    const state = date ? states.get(date) : undefined;
    if (!file || !read || !state || !read.whole || spans.has(date!) || read.first === undefined) continue;
    const reason: WithheldReason = {
      file: file.member,
      reason:
        edge === 'first'
          ? `the export's first day is not whole: its heart rate starts at ${isoOf(read.first)}`
          : `the export's last day is not whole: its heart rate ends at ${isoOf(read.last!)}`,
      expected: true,
    };
    state.withhold('heart', reason);
    state.withhold('steps', reason);
  }
}
