import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FetchLedger, SETTLE_DAYS } from './fetch-ledger';

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-ledger-'));
  file = FetchLedger.fileFor(path.join(dir, 'archive'), 'google-health');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('FetchLedger', () => {
  it('lives next to the source’s day files, starts empty, and saves atomically with mode 0600', async () => {
    expect(file).toBe(path.join(dir, 'archive', 'google-health', 'fetched.json'));
    const ledger = await FetchLedger.load(file);
    expect(ledger.unreadable).toBeUndefined();
    expect(ledger.entry('2026-01-01')).toBeUndefined();
    await ledger.record(
      [
        { date: '2026-01-02', record: true },
        { date: '2026-01-01', record: false },
      ],
      '2026-11-15',
      'Europe/Berlin',
    );
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({
      version: 1,
      timeZone: 'Europe/Berlin',
      days: {
        '2026-01-01': { fetchedOn: '2026-11-15', record: false },
        '2026-01-02': { fetchedOn: '2026-11-15', record: true },
      },
    });
    const again = await FetchLedger.load(file);
    expect(again.timeZone).toBe('Europe/Berlin');
    expect(again.entry('2026-01-02')).toEqual({ fetchedOn: '2026-11-15', record: true });
  });

  it(`a day is settled once it was fetched at least ${SETTLE_DAYS} days after it (late syncs come in before)`, async () => {
    const ledger = await FetchLedger.load(file);
    await ledger.record(
      [
        { date: '2026-11-08', record: true },
        { date: '2026-11-09', record: true },
        { date: '2026-11-15', record: true },
      ],
      '2026-11-15',
      'UTC',
    );
    expect(ledger.isSettled('2026-11-08')).toBe(true); // fetched 7 days after
    expect(ledger.isSettled('2026-11-09')).toBe(false); // 6 days: Google may still add to it
    expect(ledger.isSettled('2026-11-15')).toBe(false); // today
    expect(ledger.isSettled('2026-11-01')).toBe(false); // never fetched
  });

  it('an unreadable ledger loses nothing: every day counts as not fetched, and the reason is kept', async () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"version": 1, "days": {"2026-01-01": {"fetchedOn": "someday"}}}');
    const broken = await FetchLedger.load(file);
    expect(broken.unreadable).toBe('not a ledger of fetched days');
    expect(broken.entry('2026-01-01')).toBeUndefined();
    fs.writeFileSync(file, '{"version": 1, "days": {');
    expect((await FetchLedger.load(file)).unreadable).toBe('not JSON');
  });

  it('writes one save at a time, the last one winning', async () => {
    const ledger = await FetchLedger.load(file);
    await Promise.all(
      ['2026-01-01', '2026-01-02', '2026-01-03'].map((date) =>
        ledger.record([{ date, record: true }], '2026-11-15', 'UTC'),
      ),
    );
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { days: Record<string, unknown> };
    expect(Object.keys(saved.days)).toEqual(['2026-01-01', '2026-01-02', '2026-01-03']);
  });
});
