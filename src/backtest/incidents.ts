import fs from 'node:fs';
import { parseAbsoluteTime, parseCivilDate } from '../time';
import { InputError, type InputProblem } from '../errors';
import type { CheckState } from '../evaluator/seyren-rule';
import type { JudgedHistory, Timeline } from './timeline';

/**
 * Known incidents (`--incidents FILE`): one per line, `YYYY-MM-DD` or `YYYY-MM-DD..YYYY-MM-DD`, then an
 * optional description; `#` starts a comment; a comma may separate the date from the description (CSV).
 * An incident is caught when the check is WARN or ERROR at some evaluation from its first day 00:00 UTC to
 * the end of its last day (plus `slack`).
 */

export interface Incident {
  start: number;
  /** Exclusive end: 00:00 UTC of the day after the last day. */
  end: number;
  label: string;
  description: string;
  line: number;
}

export interface IncidentResult extends Incident {
  caught: boolean;
  /** The first non-OK evaluation inside the incident's window. */
  firstAlert?: { at: number; state: CheckState };
  /** The worst state and the most extreme value inside the window. */
  worst?: CheckState;
  peak?: number;
}

const DAY = 86400;
const DATE = /^(\d{4}-\d{2}-\d{2})(?:\.\.(\d{4}-\d{2}-\d{2}))?(?:[\s,]+(.*))?$/;

export function parseIncidents(text: string, file: string): Incident[] {
  const incidents: Incident[] = [];
  const problems: InputProblem[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '' || /^date\b/i.test(line)) return;
    const m = DATE.exec(line);
    if (!m) {
      problems.push({
        file,
        line: i + 1,
        message: `expected "YYYY-MM-DD [description]" or "YYYY-MM-DD..YYYY-MM-DD …", got "${raw.trim()}"`,
      });
      return;
    }
    let start: number;
    let last: number;
    try {
      start = parseAbsoluteTime(parseCivilDate(m[1] as string));
      last = m[2] ? parseAbsoluteTime(parseCivilDate(m[2])) : start;
    } catch (err) {
      problems.push({ file, line: i + 1, message: (err as Error).message });
      return;
    }
    if (last < start) {
      problems.push({ file, line: i + 1, message: `${m[1]}..${m[2]} ends before it starts` });
      return;
    }
    incidents.push({
      start,
      end: last + DAY,
      label: m[2] ? `${m[1]}..${m[2]}` : (m[1] as string),
      description: (m[3] ?? '').trim().replace(/^"(.*)"$/, '$1'),
      line: i + 1,
    });
  });
  if (problems.length > 0) throw new InputError(problems);
  if (incidents.length === 0)
    throw InputError.single('no incidents in the file (one date per line)', { file });
  return incidents;
}

export function loadIncidents(file: string): Incident[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw InputError.single(`cannot read the incidents file: ${(err as Error).message}`, { file });
  }
  return parseIncidents(text, file);
}

const SEVERITY: Record<CheckState, number> = { UNKNOWN: 0, OK: 1, WARN: 2, ERROR: 3 };

export function matchIncidents(
  incidents: Incident[],
  timeline: Timeline,
  history: JudgedHistory,
  options: { slack?: number; highIsBad: boolean },
): IncidentResult[] {
  const slack = options.slack ?? 0;
  return incidents.map((incident) => {
    const result: IncidentResult = { ...incident, caught: false };
    timeline.times.forEach((t, i) => {
      if (t < incident.start || t >= incident.end + slack) return;
      const state = timeline.states[i] as CheckState;
      if (!result.worst || SEVERITY[state] > SEVERITY[result.worst]) result.worst = state;
      if ((state === 'WARN' || state === 'ERROR') && !result.firstAlert) {
        result.caught = true;
        result.firstAlert = { at: t, state };
      }
      for (const s of history.series) {
        const v = s.values[i];
        if (v === undefined) continue;
        if (result.peak === undefined || (options.highIsBad ? v > result.peak : v < result.peak))
          result.peak = v;
      }
    });
    return result;
  });
}
