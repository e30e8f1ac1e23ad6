import type { SeyrenAlert, SeyrenList } from '../clients/seyren/types';

/** One page of a Seyren alert query (newest first): `start` and `items` as Seyren takes them. */
export type AlertPageReader = (start: number, items: number) => Promise<SeyrenList<SeyrenAlert>>;

export interface PagingOptions {
  /** Alerts per request (at least 1: Seyren reads 0 as "everything at once"). */
  pageSize: number;
  /** Stop at the first alert recorded before this time (epoch ms); that alert is not yielded. */
  notBefore?: number;
  /** Stop after this many alerts. */
  maxAlerts?: number;
}

/** How far a reading got; filled in while the generator runs. */
export interface PagingProgress {
  requests: number;
  /** Alerts yielded. */
  alerts: number;
  /** Seyren's `total` in the last answer: every alert of the query. */
  total: number;
  /**
   * Why reading ended: `exhausted` (no older alert exists), `boundary` (reached `notBefore`), `limit`
   * (`maxAlerts`); undefined while reading, or when the consumer stopped early.
   */
  end?: 'exhausted' | 'boundary' | 'limit';
}

export function newProgress(): PagingProgress {
  return { requests: 0, alerts: 0, total: 0 };
}

/**
 * The alerts of a query, newest first, with one page in memory at a time. Seyren pages by offset
 * (`skip`/`limit` over `timestamp` descending) while its scheduler keeps inserting alerts at the top, one per
 * unhealthy series and run. So the next page may start again with alerts already read, and an alert newer than
 * one already yielded was inserted after reading began: both are dropped (by time, and by id among alerts of the
 * same time), so the result is the history as it stood when reading started, in order and without repeats.
 */
export async function* alertsNewestFirst(
  read: AlertPageReader,
  options: PagingOptions,
  progress: PagingProgress = newProgress(),
): AsyncGenerator<SeyrenAlert> {
  let start = 0;
  // Everything yielded is at least as new as `newest`; `yieldedAtNewest` holds the ids yielded at exactly it.
  let newest = Infinity;
  let yieldedAtNewest = new Set<string>();
  for (;;) {
    const page = await read(start, options.pageSize);
    progress.requests++;
    progress.total = page.total;
    for (const alert of page.values) {
      if (alert.timestamp > newest || (alert.timestamp === newest && yieldedAtNewest.has(alert.id))) continue;
      if (options.notBefore !== undefined && alert.timestamp < options.notBefore) {
        progress.end = 'boundary';
        return;
      }
      if (options.maxAlerts !== undefined && progress.alerts >= options.maxAlerts) {
        progress.end = 'limit';
        return;
      }
      if (alert.timestamp < newest) yieldedAtNewest = new Set();
      newest = alert.timestamp;
      yieldedAtNewest.add(alert.id);
      progress.alerts++;
      yield alert;
    }
    start += page.values.length;
    if (page.values.length < options.pageSize || start >= page.total) {
      progress.end = 'exhausted';
      return;
    }
  }
}
