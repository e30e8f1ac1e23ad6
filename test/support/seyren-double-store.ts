import type { CheckState, SeyrenCheck, SeyrenSubscription } from '../../src/clients/seyren/types';
import {
  bindCheck,
  type BoundCheck,
  type BoundSubscription,
  exactLiteralOf,
  formatHourMinute,
  objectId,
  ServerError,
} from './seyren-double-binding';

/**
 * The Seyren double's "MongoDB": documents shaped like MongoMapper writes them (so `fields`/`regexes` searches
 * see the same fields: `_id`, `name`, `warn` as a string, `subscriptions.target`, `fromHour`...), plus the
 * unique index on `name`. Operations mirror MongoStore of Seyren 1.5.0, quirks included.
 */

interface SubscriptionDoc {
  _id: string | null;
  target: string | null;
  type?: string;
  su: boolean;
  mo: boolean;
  tu: boolean;
  we: boolean;
  th: boolean;
  fr: boolean;
  sa: boolean;
  ignoreWarn: boolean;
  ignoreError: boolean;
  ignoreOk: boolean;
  fromHour?: number;
  fromMin?: number;
  toHour?: number;
  toMin?: number;
  enabled: boolean;
}

interface CheckDoc {
  _id: string;
  name: string | null;
  description: string | null;
  target: string | null;
  /** Stored verbatim on insert (so "" stays ""), read back through emptyToNull. */
  from: string | null;
  until: string | null;
  warn?: string;
  error?: string;
  enabled: boolean;
  live: boolean;
  allowNoData: boolean;
  state: string;
  lastCheck?: number | null;
  subscriptions?: SubscriptionDoc[];
}

/** The state a notification is for (Seyren's AlertType: a check state); `ignore*` flags are checked against it. */
export type NotifiedState = CheckState;

/** The server JVM's local clock as Seyren's scheduler reads it: Joda day of week (Monday = 1) and minute. */
export interface SeyrenLocalTime {
  dayOfWeek: 1 | 2 | 3 | 4 | 5 | 6 | 7;
  hour: number;
  minute: number;
}

/** Read-only view for tests: checks exactly as GET /api/checks/{id} would return them. */
export interface SeyrenDoubleChecks {
  readonly size: number;
  get(id: string): SeyrenCheck | undefined;
  findByName(name: string | null): SeyrenCheck | undefined;
  all(): SeyrenCheck[];
}

/** A check as one might make it by hand in the UI; omitted fields take the server defaults. */
export type DirectCheck = Partial<Omit<SeyrenCheck, 'warn' | 'error' | 'subscriptions'>> & {
  warn?: string | number | null;
  error?: string | number | null;
  subscriptions?: Partial<SeyrenSubscription>[];
};

function subscriptionDoc(sub: BoundSubscription, id: string | null): SubscriptionDoc {
  const doc: SubscriptionDoc = { _id: id, target: sub.target, ...flagsOf(sub), enabled: sub.enabled };
  if (sub.type !== null) doc.type = sub.type;
  if (sub.fromTime) Object.assign(doc, { fromHour: sub.fromTime.hour, fromMin: sub.fromTime.minute });
  if (sub.toTime) Object.assign(doc, { toHour: sub.toTime.hour, toMin: sub.toTime.minute });
  return doc;
}

function flagsOf(s: BoundSubscription | SubscriptionDoc) {
  const { su, mo, tu, we, th, fr, sa, ignoreWarn, ignoreError, ignoreOk } = s;
  return { su, mo, tu, we, th, fr, sa, ignoreWarn, ignoreError, ignoreOk };
}

function subscriptionFrom(doc: SubscriptionDoc): SeyrenSubscription {
  const time = (hour?: number, minute?: number) =>
    hour === undefined || minute === undefined ? null : formatHourMinute({ hour, minute });
  return {
    id: String(doc._id),
    target: doc.target as string,
    type: (doc.type ?? null) as SeyrenSubscription['type'],
    ...flagsOf(doc),
    fromTime: time(doc.fromHour, doc.fromMin),
    toTime: time(doc.toHour, doc.toMin),
    enabled: doc.enabled,
  };
}

/** MongoMapper.checkFrom: what GET returns for a stored document. */
function checkFrom(doc: CheckDoc): SeyrenCheck {
  return {
    id: doc._id,
    name: doc.name,
    description: doc.description,
    target: doc.target,
    from: doc.from || null,
    until: doc.until || null,
    warn: doc.warn ?? null,
    error: doc.error ?? null,
    enabled: doc.enabled,
    live: doc.live,
    allowNoData: doc.allowNoData,
    state: doc.state as CheckState,
    lastCheck: doc.lastCheck ?? null,
    subscriptions: (doc.subscriptions ?? []).map(subscriptionFrom),
  };
}

/** The PUT response: Jackson re-serialising the bound request body (not the stored document). */
export function boundCheckToJson(check: BoundCheck): Record<string, unknown> {
  return {
    ...check,
    subscriptions: check.subscriptions?.map((s) => ({
      ...s,
      fromTime: formatHourMinute(s.fromTime),
      toTime: formatHourMinute(s.toTime),
    })),
  };
}

/** Mongo dotted-path lookup: arrays are traversed, so `subscriptions.target` sees every element's target. */
function valuesAt(value: unknown, path: readonly string[]): unknown[] {
  if (path.length === 0) return Array.isArray(value) ? [value, ...value] : [value];
  const [key, ...rest] = path as [string, ...string[]];
  if (Array.isArray(value)) {
    const byIndex = /^\d+$/.test(key) ? valuesAt(value[Number(key)], rest) : [];
    return [...byIndex, ...value.flatMap((el) => (typeof el === 'object' ? valuesAt(el, path) : []))];
  }
  if (typeof value !== 'object' || value === null) return [];
  return valuesAt((value as Record<string, unknown>)[key], rest);
}

function duplicateKey(name: string | null): ServerError {
  return new ServerError(
    'org.jboss.resteasy.spi.UnhandledException: com.mongodb.DuplicateKeyException: Write failed with error code ' +
      `11000 and error message 'E11000 duplicate key error index: seyren.checks.$name_1 dup key: { : ${JSON.stringify(name)} }'`,
  );
}

export class SeyrenDoubleStore implements SeyrenDoubleChecks {
  private readonly docs = new Map<string, CheckDoc>();
  /** The unique index on `name`; a missing name indexes as null, so only one unnamed check can exist. */
  private readonly idByName = new Map<string | null, string>();

  get size(): number {
    return this.docs.size;
  }

  get(id: string): SeyrenCheck | undefined {
    const doc = this.docs.get(id);
    return doc && checkFrom(doc);
  }

  findByName(name: string | null): SeyrenCheck | undefined {
    const id = this.idByName.get(name);
    return id === undefined ? undefined : this.get(id);
  }

  all(): SeyrenCheck[] {
    return [...this.docs.values()].map(checkFrom);
  }

  /** MongoStore.createCheck: always a new id; nested subscriptions keep a given id, else get a new one. */
  createCheck(check: BoundCheck, id: string = objectId()): string {
    if (this.idByName.has(check.name)) throw duplicateKey(check.name);
    const doc: CheckDoc = {
      _id: id,
      name: check.name,
      description: check.description,
      target: check.target,
      from: check.from,
      until: check.until,
      enabled: check.enabled,
      live: check.live,
      allowNoData: check.allowNoData,
      state: check.state ?? 'OK',
    };
    if (check.warn !== null) doc.warn = check.warn;
    if (check.error !== null) doc.error = check.error;
    if (check.lastCheck !== null) doc.lastCheck = check.lastCheck;
    if (check.subscriptions?.length) {
      doc.subscriptions = check.subscriptions.map((s) => subscriptionDoc(s, s.id ?? objectId()));
    }
    this.docs.set(id, doc);
    this.idByName.set(check.name, id);
    return id;
  }

  /** Bypasses the API (a check made by hand): accepts a GET-shaped object, keeps its ids if given. */
  addDirectly(check: DirectCheck): SeyrenCheck {
    const bound = bindCheck({ state: 'OK', ...check });
    if (this.idByName.has(bound.name)) throw new Error(`a check named ${JSON.stringify(bound.name)} exists`);
    if (check.id !== undefined && this.docs.has(check.id))
      throw new Error(`a check with id ${check.id} exists`);
    const id = this.createCheck(bound, check.id ?? objectId());
    return checkFrom(this.docs.get(id) as CheckDoc);
  }

  /**
   * MongoStore.saveCheck: `$set` of all scalars on the document whose _id is the BODY id (nothing if absent or
   * unknown); subscriptions untouched. Null warn/error/state is an NPE before anything is written.
   */
  saveCheck(check: BoundCheck): void {
    if (check.warn === null || check.error === null || check.state === null) {
      throw new ServerError('org.jboss.resteasy.spi.UnhandledException: java.lang.NullPointerException');
    }
    const doc = check.id === null ? undefined : this.docs.get(check.id);
    if (!doc) return;
    const holder = this.idByName.get(check.name);
    if (holder !== undefined && holder !== doc._id) throw duplicateKey(check.name);
    this.idByName.delete(doc.name);
    this.idByName.set(check.name, doc._id);
    Object.assign(doc, {
      name: check.name,
      description: check.description,
      target: check.target,
      from: check.from || null,
      until: check.until || null,
      warn: check.warn,
      error: check.error,
      enabled: check.enabled,
      live: check.live,
      allowNoData: check.allowNoData,
      lastCheck: check.lastCheck,
      state: check.state,
    });
  }

  /** MongoStore.updateStateAndLastCheck, which CheckRunner calls after every run. */
  updateStateAndLastCheck(id: string, state: CheckState, lastCheck: number): void {
    const doc = this.docs.get(id);
    if (doc) Object.assign(doc, { state, lastCheck });
  }

  deleteCheck(id: string): void {
    const doc = this.docs.get(id);
    if (!doc) return;
    this.docs.delete(id);
    this.idByName.delete(doc.name);
  }

  findAll(enabled?: boolean): SeyrenCheck[] {
    return this.filter(this.docs.values(), enabled, () => true);
  }

  /** `state=` filter: the check's stored state is one of the values (not validated; "ERROR,WARN" matches none). */
  findByState(states: ReadonlySet<string>, enabled?: boolean): SeyrenCheck[] {
    return this.filter(this.docs.values(), enabled, (doc) => states.has(doc.state));
  }

  /**
   * `fields`+`regexes`: each regex must match a string at its document field path. Like the BasicDBObject the
   * query is built in, a repeated field keeps only its last regex.
   */
  findByPattern(
    query: ReadonlyMap<string, { source: string; regex: RegExp }>,
    enabled?: boolean,
  ): SeyrenCheck[] {
    let candidates: Iterable<CheckDoc> = this.docs.values();
    const byName = query.get('name');
    const literal = byName && exactLiteralOf(byName.source);
    if (literal !== undefined) {
      // Fast path for the `^<escaped name>$` lookup: the unique index, so 3,000 lookups stay O(n).
      const id = this.idByName.get(literal);
      const doc = id === undefined ? undefined : this.docs.get(id);
      candidates = doc ? [doc] : [];
    }
    const matches = (doc: CheckDoc) =>
      [...query].every(([field, { regex }]) =>
        valuesAt(doc, field.split('.')).some((v) => typeof v === 'string' && regex.test(v)),
      );
    return this.filter(candidates, enabled, matches);
  }

  /** MongoStore.createSubscription: `$push` with a new id; an unknown check id stores nothing. */
  createSubscription(checkId: string, sub: BoundSubscription): string {
    const id = objectId();
    const doc = this.docs.get(checkId);
    if (doc) (doc.subscriptions ??= []).push(subscriptionDoc(sub, id));
    return id;
  }

  /** MongoStore.updateSubscription: replaces the element whose _id is the BODY id; no match, no change. */
  updateSubscription(checkId: string, sub: BoundSubscription): void {
    const list = this.docs.get(checkId)?.subscriptions ?? [];
    const index = list.findIndex((s) => s._id === sub.id);
    if (index >= 0) list[index] = subscriptionDoc(sub, sub.id);
  }

  deleteSubscription(checkId: string, subscriptionId: string): void {
    const doc = this.docs.get(checkId);
    if (doc?.subscriptions) doc.subscriptions = doc.subscriptions.filter((s) => s._id !== subscriptionId);
  }

  hasSubscription(checkId: string, subscriptionId: string): boolean {
    return (this.docs.get(checkId)?.subscriptions ?? []).some((s) => s._id === subscriptionId);
  }

  /**
   * Subscription.shouldNotify of Seyren 1.5.0, on the stored document: enabled, today's day flag, the clock
   * minute STRICTLY after fromTime and STRICTLY before toTime (Joda LocalTime isAfter/isBefore on hour and
   * minute), and the ignore flag of the check's worst state. A missing time makes Joda's comparison throw (the
   * check run catches it, and nothing is notified in that run): thrown here too.
   */
  shouldNotify(
    checkId: string,
    subscriptionId: string,
    at: SeyrenLocalTime,
    alertType: NotifiedState,
  ): boolean {
    const sub = (this.docs.get(checkId)?.subscriptions ?? []).find((s) => s._id === subscriptionId);
    if (!sub) throw new Error(`no subscription ${subscriptionId} on check ${checkId}`);
    if (!sub.enabled) return false;
    const dayFlags = [sub.mo, sub.tu, sub.we, sub.th, sub.fr, sub.sa, sub.su]; // Joda: Monday = 1 … Sunday = 7
    if (!dayFlags[at.dayOfWeek - 1]) return false;
    const { fromHour, fromMin, toHour, toMin } = sub;
    if (fromHour === undefined || fromMin === undefined || toHour === undefined || toMin === undefined) {
      throw new Error('java.lang.NullPointerException (LocalTime.isAfter(null))');
    }
    const minute = at.hour * 60 + at.minute;
    const from = fromHour * 60 + fromMin;
    const to = toHour * 60 + toMin;
    if (!(minute > from && minute < to)) return false;
    if (alertType === 'ERROR' && sub.ignoreError) return false;
    if (alertType === 'WARN' && sub.ignoreWarn) return false;
    if (alertType === 'OK' && sub.ignoreOk) return false;
    return true;
  }

  private filter(docs: Iterable<CheckDoc>, enabled: boolean | undefined, keep: (doc: CheckDoc) => boolean) {
    const out: SeyrenCheck[] = [];
    for (const doc of docs) {
      if ((enabled === undefined || doc.enabled === enabled) && keep(doc)) out.push(checkFrom(doc));
    }
    return out;
  }
}
