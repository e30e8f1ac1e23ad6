/**
 * The working-days file: which civil days the person worked, kept by hand or exported from a spreadsheet.
 *
 *   date,worked
 *   2026-11-13,1
 *   2026-11-14,no
 *
 * The header is found by name (any case, any order, extra columns ignored) because spreadsheets add columns and
 * capitalise. A bad row is skipped with a warning naming its line, so one typo does not lose a year of rows; a
 * file whose structure cannot be read (no header, an unclosed quote) fails instead, because the rows after the
 * damage cannot be trusted. A date listed twice with the same value counts once (the repeats are reported as
 * a count); listed with two different values, neither is believed: `worked` is withheld for that date.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { CsvError, InfoRecord } from 'csv-parse/sync';
import { InputError } from '../errors';
import type { DateRange, DayRecord, SourceWarning } from './day-record';
import { isCivilDate } from '../util/civil-date';

export interface WorkingDays {
  /** By date, ascending when iterated. */
  days: Map<string, DayRecord>;
  warnings: SourceWarning[];
}

const WORKED_VALUES: Readonly<Record<string, 0 | 1>> = { 1: 1, 0: 0, true: 1, false: 0, yes: 1, no: 0 };

interface CsvRow {
  record: string[];
  info: InfoRecord;
}

export async function readWorkingDays(file: string, range: DateRange = {}): Promise<WorkingDays> {
  const rows = parseRows(file, await readText(file));
  const header = rows[0];
  const columns = header?.record.map((cell) => cell.trim().toLowerCase()) ?? [];
  const dateColumn = columns.indexOf('date');
  const workedColumn = columns.indexOf('worked');
  if (!header || dateColumn < 0 || workedColumn < 0) {
    const first = header ? `; the first line is "${header.record.join(',')}"` : '; the file is empty';
    throw InputError.single(`missing the header "date,worked"${first}`, { file, line: header?.info.lines });
  }

  const warnings: SourceWarning[] = [];
  const byDate = new Map<string, { worked: 0 | 1; line: number }>();
  const conflicting = new Set<string>();
  let repeats = 0;
  for (const { record, info } of rows.slice(1)) {
    const line = info.lines;
    const warn = (message: string) => warnings.push({ file, record: line, message });
    // Spreadsheets export blank rows as a line of commas: nothing to say about them.
    if (record.every((cell) => cell.trim() === '')) continue;

    const date = (record[dateColumn] ?? '').trim();
    if (!isCivilDate(date)) {
      warn(`date "${date}" is not a calendar date YYYY-MM-DD; line skipped`);
      continue;
    }
    if ((range.from !== undefined && date < range.from) || (range.to !== undefined && date > range.to))
      continue;
    const text = (record[workedColumn] ?? '').trim();
    const worked = WORKED_VALUES[text.toLowerCase()];
    if (worked === undefined) {
      warn(`worked "${text}" for ${date} is not one of 1/0, true/false, yes/no; line skipped`);
      continue;
    }
    const earlier = byDate.get(date);
    if (!earlier) byDate.set(date, { worked, line });
    else if (earlier.worked === worked) repeats++;
    else {
      warn(
        `${date} is listed again with another value (${earlier.worked} on line ${earlier.line}, ${worked} here); neither is used`,
      );
      conflicting.add(date);
    }
  }
  if (repeats > 0) {
    warnings.push({
      file,
      message: `${repeats === 1 ? '1 line repeats' : `${repeats} lines repeat`} the date and value of an earlier line; each is counted once`,
    });
  }

  const days = new Map<string, DayRecord>();
  for (const date of [...byDate.keys()].sort()) {
    days.set(
      date,
      conflicting.has(date)
        ? {
            date,
            withheld: {
              worked: {
                file,
                reason: 'lists the day twice with different values (the lines are named above)',
              },
            },
          }
        : { date, worked: byDate.get(date)!.worked },
    );
  }
  return { days, warnings };
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw InputError.single(`cannot read the working-days file (${reason})`, { file });
  }
}

function parseRows(file: string, text: string): CsvRow[] {
  let lastRecordLine = 0;
  try {
    // The sync API's types do not model `info: true`, which wraps each record with its line number.
    return parse(text, {
      info: true,
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      // A stray quote inside a value stays part of the value (and fails validation) rather than swallowing lines.
      relax_quotes: true,
      on_record: (record, context) => {
        lastRecordLine = context.lines;
        return record;
      },
    }) as unknown as CsvRow[];
  } catch (err) {
    const csvError = err as CsvError & { lines?: number };
    if (csvError.code === 'CSV_QUOTE_NOT_CLOSED') {
      // csv-parse reports the end of the file; the user needs the line where the quote was opened.
      const lines = text.split(/\r?\n/);
      let line = lastRecordLine + 1;
      while (line < lines.length && lines[line - 1]!.trim() === '') line++;
      throw InputError.single('a quote opened on this line is never closed', { file, line });
    }
    throw InputError.single(`not a readable CSV file: ${csvError.message}`, { file, line: csvError.lines });
  }
}
