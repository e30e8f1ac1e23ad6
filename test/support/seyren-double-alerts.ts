import { createHash } from 'node:crypto';
import type { CheckState, SeyrenAlert } from '../../src/clients/seyren/types';
import { bigDecimalPlain, objectId } from './seyren-double-binding';

/**
 * The Seyren double's `alerts` collection, as Seyren 1.5.0 writes and serves it:
 * - MongoMapper stores value, warn and error as BigDecimal plain strings and the timestamp as a Date; they are
 *   read back with `new BigDecimal(text)` and written by Jackson as JSON NUMBERS through BigDecimal.toString(),
 *   so a tiny value comes out in exponent form (`1.0E-7`). Check thresholds, by contrast, are strings.
 * - `targetHash` (a getter on Alert) is the MD5 bytes of the series name decoded as UTF-8: garbage text.
 * - MongoStore.getAlerts sorts by timestamp descending, then skips `start` and limits `items`; `items=0` is no
 *   limit (a Mongo quirk); `total` is DBCursor.count(), which ignores skip and limit. Ties keep the newest
 *   insert first here (Mongo leaves their order open).
 * - CheckRunner writes one alert per series and run unless the series was OK and still is, so an unhealthy
 *   series gets a new alert every run; all alerts of one run share its timestamp.
 */

interface AlertDoc {
  _id: string;
  checkId: string;
  target: string | null;
  targetHash: string | null;
  value?: string;
  warn?: string;
  error?: string;
  fromType: CheckState;
  toType: CheckState;
  /** Epoch milliseconds (a BSON Date). */
  timestamp: number;
  /** Insertion order, for ties. */
  seq: number;
}

/** An alert to store directly; numbers may be given as JS numbers or decimal strings. */
export interface AlertRecord {
  id?: string;
  checkId: string;
  target: string | null;
  value: number | string | null;
  warn: number | string | null;
  error: number | string | null;
  fromType: CheckState;
  toType: CheckState;
  timestamp: number;
}

/** TargetHash.create: `new String(md5(target), UTF_8)`; invalid sequences become U+FFFD. */
function targetHash(target: string | null): string | null {
  return target === null ? null : createHash('md5').update(target, 'utf8').digest().toString('utf8');
}

const plain = (v: number | string | null): string | undefined =>
  v === null ? undefined : bigDecimalPlain(String(v));

/** `new BigDecimal(plain).toString()`: scientific notation when the adjusted exponent is below -6. */
export function javaBigDecimalToString(plainText: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(plainText);
  if (!m) return plainText;
  const fraction = m[3] ?? '';
  const unscaled = `${m[2]}${fraction}`.replace(/^0+(?=\d)/, '');
  const adjusted = -fraction.length + (unscaled.length - 1);
  if (adjusted >= -6) return plainText;
  const mantissa = unscaled.length > 1 ? `${unscaled[0]}.${unscaled.slice(1)}` : unscaled;
  return `${m[1]}${mantissa}E${adjusted}`;
}

/** Jackson's output for one Alert: declared fields in order, then the `targetHash` getter; nulls included. */
function alertJson(doc: AlertDoc): string {
  const num = (v: string | undefined) => (v === undefined ? 'null' : javaBigDecimalToString(v));
  return (
    `{"id":${JSON.stringify(doc._id)},"checkId":${JSON.stringify(doc.checkId)},"value":${num(doc.value)},` +
    `"target":${JSON.stringify(doc.target)},"warn":${num(doc.warn)},"error":${num(doc.error)},` +
    `"fromType":"${doc.fromType}","toType":"${doc.toType}","timestamp":${doc.timestamp},` +
    `"targetHash":${JSON.stringify(doc.targetHash)}}`
  );
}

const newestFirst = (a: AlertDoc, b: AlertDoc) => b.timestamp - a.timestamp || b.seq - a.seq;

export class SeyrenDoubleAlerts {
  private readonly docs: AlertDoc[] = [];
  private seq = 0;

  get size(): number {
    return this.docs.length;
  }

  /** MongoStore.createAlert: a new ObjectId (or the given id), stored as MongoMapper writes it. */
  create(record: AlertRecord): string {
    const id = record.id ?? objectId();
    this.docs.push({
      _id: id,
      checkId: record.checkId,
      target: record.target,
      targetHash: targetHash(record.target),
      value: plain(record.value),
      warn: plain(record.warn),
      error: plain(record.error),
      fromType: record.fromType,
      toType: record.toType,
      timestamp: record.timestamp,
      seq: this.seq++,
    });
    return id;
  }

  /** The JSON body of GET /checks/{id}/alerts (checkId given) or GET /alerts. */
  pageJson(checkId: string | undefined, start: number, items: number): string {
    const matching = this.matching(checkId).sort(newestFirst);
    const page = matching.slice(start, items === 0 ? undefined : start + items);
    return `{"values":[${page.map(alertJson).join(',')}],"items":${items},"start":${start},"total":${matching.length}}`;
  }

  /** MongoStore.deleteAlerts: the check's alerts with timestamp < before, or all of them without `before`. */
  deleteForCheck(checkId: string, beforeMs?: number): number {
    let removed = 0;
    for (let i = this.docs.length - 1; i >= 0; i--) {
      const doc = this.docs[i] as AlertDoc;
      if (doc.checkId === checkId && (beforeMs === undefined || doc.timestamp < beforeMs)) {
        this.docs.splice(i, 1);
        removed++;
      }
    }
    return removed;
  }

  /** MongoStore.getLastAlertForTargetOfCheck (by checkId and targetHash). */
  lastForTarget(checkId: string, target: string): AlertDoc | undefined {
    const hash = targetHash(target);
    return this.matching(checkId)
      .filter((d) => d.targetHash === hash)
      .sort(newestFirst)[0];
  }

  /** For assertions: the alerts (of one check, or all), newest first, as a client would type them. */
  all(checkId?: string): SeyrenAlert[] {
    return this.matching(checkId)
      .sort(newestFirst)
      .map((d) => ({
        id: d._id,
        checkId: d.checkId,
        target: d.target,
        value: d.value === undefined ? null : Number(d.value),
        warn: d.warn === undefined ? null : Number(d.warn),
        error: d.error === undefined ? null : Number(d.error),
        fromType: d.fromType,
        toType: d.toType,
        timestamp: d.timestamp,
      }));
  }

  private matching(checkId: string | undefined): AlertDoc[] {
    return checkId === undefined ? [...this.docs] : this.docs.filter((d) => d.checkId === checkId);
  }
}

/** Query parameters bound as a Java `int` by RESTEasy: absent → the default; not an int → undefined (a 404). */
export function javaIntParam(text: string | null, defaultValue: number): number | undefined {
  if (text === null) return defaultValue;
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= -(2 ** 31) && n < 2 ** 31 ? n : undefined;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Joda's `DateTime.parse` (ISODateTimeFormat.dateTimeParser, offset parsed) for the calendar forms:
 * `yyyy[-MM[-dd]][THH[:mm[:ss[.SSS]]]][Z|±HH[[:]mm]]`. Without an offset the server's zone applies; the double's
 * server runs in UTC. Ordinal and week dates are not reproduced. undefined where Joda throws (Seyren: 404),
 * e.g. a `+` offset that reached the server unencoded and was decoded to a space.
 */
export function parseJodaDateTime(text: string): number | undefined {
  const m =
    /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(
      text,
    );
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) =>
    m[i] === undefined ? undefined : Number(m[i]),
  );
  const mo = month ?? 1;
  const d = day ?? 1;
  if (mo < 1 || mo > 12 || d < 1 || d > (DAYS_IN_MONTH[mo - 1] as number)) return undefined;
  if ((hour ?? 0) > 23 || (minute ?? 0) > 59 || (second ?? 0) > 59) return undefined;
  const ms = Number(`0.${m[7] ?? '0'}`) * 1000;
  const utc = Date.UTC(year as number, mo - 1, d, hour ?? 0, minute ?? 0, second ?? 0, Math.floor(ms));
  if (new Date(utc).getUTCDate() !== d) return undefined; // 29 February of a common year
  const offset = m[8];
  if (!offset || offset === 'Z') return utc;
  const sign = offset[0] === '-' ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return utc - sign * minutes * 60000;
}
