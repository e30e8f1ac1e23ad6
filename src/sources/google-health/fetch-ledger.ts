import fs from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { addDays, isCivilDate } from '../../util/civil-date';

/**
 * Which days the Google Health source has fetched completely, and when, so a backfill resumes where it stopped
 * and a second run does not ask Google again for what is already archived. Kept next to the source's day files,
 * `<dataDir>/archive/google-health/fetched.json` (the archive lists only year directories, so this file is
 * never read as a day):
 *
 *   {"version": 1, "timeZone": "Europe/Berlin",
 *    "days": {"2026-01-01": {"fetchedOn": "2026-11-15", "record": true}, ...}}
 *
 * A day is written here only after its day record (if it had data: `record`) is in the archive, and only when
 * every request covering it succeeded, so a day that was skipped or cut off is fetched again.
 *
 * A day is settled, and not fetched again, once it was fetched at least SETTLE_DAYS after it: Google keeps
 * filling in the last days as watches sync late, which is why a daily run reads the last 7 days every time.
 */

export const LEDGER_FILE_NAME = 'fetched.json';
/** The late-sync window: the same 7 days a default run reads again every day. */
export const SETTLE_DAYS = 7;

const entrySchema = z.object({ fetchedOn: z.string().refine(isCivilDate), record: z.boolean() });
const ledgerSchema = z.object({
  version: z.literal(1),
  timeZone: z.string().optional(),
  days: z.record(z.string().refine(isCivilDate), entrySchema),
});
type LedgerDoc = z.infer<typeof ledgerSchema>;
export type LedgerEntry = z.infer<typeof entrySchema>;

export class FetchLedger {
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    readonly file: string,
    private readonly doc: LedgerDoc,
    /** Why the file on disk could not be used (then every day counts as not fetched). */
    readonly unreadable?: string,
  ) {}

  static fileFor(archiveDir: string, source: string): string {
    return path.join(archiveDir, source, LEDGER_FILE_NAME);
  }

  /** The ledger at `file`; an empty one when there is none, or when it cannot be read (nothing is lost). */
  static async load(file: string): Promise<FetchLedger> {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new FetchLedger(file, emptyDoc());
      return new FetchLedger(file, emptyDoc(), (err as NodeJS.ErrnoException).code ?? 'read error');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return new FetchLedger(file, emptyDoc(), 'not JSON');
    }
    const valid = ledgerSchema.safeParse(parsed);
    return valid.success
      ? new FetchLedger(file, valid.data)
      : new FetchLedger(file, emptyDoc(), 'not a ledger of fetched days');
  }

  get timeZone(): string | undefined {
    return this.doc.timeZone;
  }

  entry(date: string): LedgerEntry | undefined {
    return this.doc.days[date];
  }

  /** Fetched completely at least SETTLE_DAYS after the day: Google will not add to it any more. */
  isSettled(date: string): boolean {
    const entry = this.doc.days[date];
    return entry !== undefined && entry.fetchedOn >= addDays(date, SETTLE_DAYS);
  }

  /** Records days fetched completely on `fetchedOn` and saves the file (atomically, 0600; one write at a time). */
  record(
    days: ReadonlyArray<{ date: string; record: boolean }>,
    fetchedOn: string,
    timeZone: string,
  ): Promise<void> {
    for (const { date, record } of days) this.doc.days[date] = { fetchedOn, record };
    this.doc.timeZone = timeZone;
    const save = async () => {
      await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      const sorted = Object.fromEntries(Object.entries(this.doc.days).sort(([a], [b]) => a.localeCompare(b)));
      const text = `${JSON.stringify({ ...this.doc, days: sorted }, null, 1)}\n`;
      await writeFileAtomic(this.file, text, { mode: 0o600 });
    };
    this.writing = this.writing.then(save, save);
    return this.writing;
  }
}

function emptyDoc(): LedgerDoc {
  return { version: 1, days: {} };
}
