/**
 * The account's time zone: from `Your Profile/Profile.csv` (Google Takeout; column `timezone`, an IANA name
 * such as `Europe/Berlin`) or `user-profile/User-Profile.json` (the fitbit.com account export; an object with
 * `timezone` and `offsetFromUTCMillis`). Days that no heart-rate file places are cut in it (day-windows.ts);
 * without it we fall back to UTC and say so.
 */
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { isValidTimeZone } from '../../util/timezone';
import type { SourceWarning } from '../day-record';
import { findColumn } from './csv-records';
import type { ExportReader } from './locate';

export const PROFILE_MEMBER = 'Your Profile/Profile.csv';
export const ACCOUNT_PROFILE_MEMBER = 'user-profile/User-Profile.json';

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

const fallback = (file: string, why: string): ProfileTimeZone => ({
  timeZone: 'UTC',
  warning: { file, message: `${why}; civil dates are taken in UTC` },
});

/** The account export's profile: `timezone`, else a whole-hour `offsetFromUTCMillis` as an Etc/GMT zone. */
async function readAccountProfile(reader: ExportReader, member: string): Promise<ProfileTimeZone> {
  let profile: unknown;
  try {
    profile = JSON.parse(await readSmallFile(reader.open(member)));
  } catch (err) {
    return fallback(member, `cannot read the profile: ${(err as Error).message}`);
  }
  const fields = typeof profile === 'object' && profile !== null ? (profile as Record<string, unknown>) : {};
  const zone = fields.timezone;
  if (typeof zone === 'string' && isValidTimeZone(zone)) return { timeZone: zone };
  const offset = fields.offsetFromUTCMillis;
  // Etc/GMT zones are named with the sign reversed (Etc/GMT-2 is UTC+2) and exist for whole hours only.
  if (
    typeof offset === 'number' &&
    Number.isInteger(offset / 3_600_000) &&
    Math.abs(offset) <= 14 * 3_600_000
  ) {
    const hours = offset / 3_600_000;
    return { timeZone: hours === 0 ? 'UTC' : `Etc/GMT${hours > 0 ? '-' : '+'}${Math.abs(hours)}` };
  }
  return fallback(
    member,
    typeof zone === 'string'
      ? `unknown time zone "${zone}" in the profile`
      : 'the profile has no timezone value',
  );
}

export async function readProfileTimeZone(reader: ExportReader): Promise<ProfileTimeZone> {
  const members = reader.list();
  const account = members.find((m) => m.toLowerCase() === ACCOUNT_PROFILE_MEMBER.toLowerCase());
  const member =
    members.find((m) => m === PROFILE_MEMBER) ?? members.find((m) => /(^|\/)profile\.csv$/i.test(m));
  if (!member && account) return readAccountProfile(reader, account);
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
