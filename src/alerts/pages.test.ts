import type { SeyrenAlert } from '../clients/seyren/types';
import { alertsNewestFirst, newProgress, type AlertPageReader } from './pages';

const alert = (n: number): SeyrenAlert => ({
  id: `a${n}`,
  checkId: 'c',
  target: 's',
  value: 1,
  warn: 0.5,
  error: 0.9,
  fromType: 'WARN',
  toType: 'WARN',
  timestamp: n * 60000,
});

/** A query over `store` (kept oldest first), answered newest first like MongoStore.getAlerts. */
function reader(store: SeyrenAlert[], beforeEachRead: (reads: number) => void = () => {}) {
  let reads = 0;
  const read: AlertPageReader = async (start, items) => {
    beforeEachRead(reads++);
    const sorted = [...store].reverse();
    return { values: sorted.slice(start, start + items), items, start, total: sorted.length };
  };
  return read;
}

async function collect(gen: AsyncGenerator<SeyrenAlert>): Promise<number[]> {
  const out: number[] = [];
  for await (const a of gen) out.push(a.timestamp / 60000);
  return out;
}

describe('alertsNewestFirst', () => {
  it('reads page after page until none is left', async () => {
    const store = Array.from({ length: 23 }, (_, i) => alert(i + 1));
    const progress = newProgress();
    const got = await collect(alertsNewestFirst(reader(store), { pageSize: 10 }, progress));
    expect(got).toEqual(Array.from({ length: 23 }, (_, i) => 23 - i));
    expect(progress).toEqual({ requests: 3, alerts: 23, total: 23, end: 'exhausted' });
  });

  it('stops at the first alert before `notBefore`, without reading further pages', async () => {
    const store = Array.from({ length: 100 }, (_, i) => alert(i + 1));
    const progress = newProgress();
    const got = await collect(
      alertsNewestFirst(reader(store), { pageSize: 10, notBefore: 86 * 60000 }, progress),
    );
    expect(got).toEqual([100, 99, 98, 97, 96, 95, 94, 93, 92, 91, 90, 89, 88, 87, 86]);
    expect(progress).toMatchObject({ requests: 2, end: 'boundary' });
  });

  it('stops at maxAlerts', async () => {
    const store = Array.from({ length: 30 }, (_, i) => alert(i + 1));
    const progress = newProgress();
    const got = await collect(alertsNewestFirst(reader(store), { pageSize: 4, maxAlerts: 6 }, progress));
    expect(got).toEqual([30, 29, 28, 27, 26, 25]);
    expect(progress.end).toBe('limit');
  });

  it('neither repeats nor reorders when Seyren inserts alerts between two pages', async () => {
    const store = Array.from({ length: 25 }, (_, i) => alert(i + 1));
    // before the 2nd and 3rd read, the scheduler records 3 and then 12 new alerts at the top
    const read = reader(store, (n) => {
      const add = n === 1 ? 3 : n === 2 ? 12 : 0;
      for (let k = 0; k < add; k++) store.push(alert(store.length + 1));
    });
    const got = await collect(alertsNewestFirst(read, { pageSize: 10 }));
    expect(got).toEqual(Array.from({ length: 25 }, (_, i) => 25 - i));
  });

  it('keeps every alert of a run (same timestamp) once, across a page boundary that shifts', async () => {
    // one run wrote 5 series at minute 7; a page boundary falls inside it; a new run lands between reads
    const store = [alert(5), alert(6), ...['a', 'b', 'c', 'd', 'e'].map((s) => ({ ...alert(7), id: s }))];
    const read = reader(store, (n) => {
      if (n === 1) store.push({ ...alert(8), id: 'new' });
    });
    const ids: string[] = [];
    for await (const a of alertsNewestFirst(read, { pageSize: 3 })) ids.push(a.id);
    expect([...ids].sort()).toEqual(['a', 'a5', 'a6', 'b', 'c', 'd', 'e']);
    expect(ids.slice(-2)).toEqual(['a6', 'a5']);
  });

  it('ends on an empty query after one request', async () => {
    const progress = newProgress();
    expect(await collect(alertsNewestFirst(reader([]), { pageSize: 10 }, progress))).toEqual([]);
    expect(progress).toEqual({ requests: 1, alerts: 0, total: 0, end: 'exhausted' });
  });
});
