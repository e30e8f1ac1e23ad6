/**
 * The account's time zone, from `Your Profile/Profile.csv` (column `timezone`, an IANA name such as
 * `Europe/Berlin`). Civil dates of UTC samples depend on it; without it we fall back to UTC and say so.
 */
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { isValidTimeZone } from '../../util/timezone';
import type { SourceWarning } from '../day-record';
import { findColumn } from './csv-records';
import type { ExportReader } from './locate';

export const PROFILE_MEMBER = 'Your Profile/Profile.csv';

/** The profile is a few hundred bytes; more than this is not a profile and is not read whole. */
const MAX_PROFILE_BYTES = 1024 * 1024;

async function readSmallFile(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > MAX_PROFILE_BYTES) {
      stream.destroy();
      throw new Error(`larger than ${MAX_PROFILE_BYTES} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface ProfileTimeZone {
  timeZone: string;
  /** Set when the zone is the UTC fallback. */
  warning?: SourceWarning;
}

export async function readProfileTimeZone(reader: ExportReader): Promise<ProfileTimeZone> {
  const members = reader.list();
  const member =
    members.find((m) => m === PROFILE_MEMBER) ?? members.find((m) => /(^|\/)profile\.csv$/i.test(m));
  const fallback = (file: string, why: string): ProfileTimeZone => ({
    timeZone: 'UTC',
    warning: { file, message: `${why}; civil dates are taken in UTC` },
  });
  if (!member) return fallback(PROFILE_MEMBER, 'no profile in the export, so no time zone');

  let rows: string[][];
  try {
    rows = parse(await readSmallFile(reader.open(member)), {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as string[][];
  } catch (err) {
    return fallback(member, `cannot read the profile: ${(err as Error).message}`);
  }
  const [headers = [], first = []] = rows;
  const column = findColumn(headers, ['timezone', 'time zone']);
  const zone = column >= 0 ? first[column] : undefined;
  if (!zone) return fallback(member, 'the profile has no timezone value');
  if (!isValidTimeZone(zone)) return fallback(member, `unknown time zone "${zone}" in the profile`);
  return { timeZone: zone };
}
