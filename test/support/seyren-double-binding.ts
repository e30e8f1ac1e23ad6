import { randomBytes } from 'node:crypto';
import {
  CHECK_STATES,
  SUBSCRIPTION_TYPES,
  type CheckState,
  type SubscriptionType,
} from '../../src/clients/seyren/types';

/**
 * How Seyren 1.5.0 (RESTEasy + Jackson 2.5) turns request bodies into `Check` / `Subscription` objects, and the
 * few Java behaviours its store relies on (BigDecimal, Joda LocalTime, java.util.regex, ObjectId). Used by the
 * Seyren test double; see docs/seyren-api.md for the source of each rule.
 */

/** A body Jackson cannot read or bind: RESTEasy answers 400 with an empty body. */
export class BindError extends Error {}

/** An uncaught exception in Seyren (NPE, Mongo duplicate key, bad regex): the container's HTML 500 page. */
export class ServerError extends Error {}

export interface HourMinute {
  hour: number;
  minute: number;
}

export interface BoundSubscription {
  id: string | null;
  target: string | null;
  type: SubscriptionType | null;
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
  fromTime: HourMinute | null;
  toTime: HourMinute | null;
  enabled: boolean;
}

export interface BoundCheck {
  id: string | null;
  name: string | null;
  description: string | null;
  target: string | null;
  from: string | null;
  until: string | null;
  /** BigDecimal.toPlainString() of the input. */
  warn: string | null;
  error: string | null;
  enabled: boolean;
  live: boolean;
  allowNoData: boolean;
  state: CheckState | null;
  lastCheck: number | null;
  subscriptions: BoundSubscription[] | null;
}

// BigDecimalDeserializer reads the token TEXT, so `1.0` keeps its scale ("1.0") where JSON.parse would give 1.
// Node 20's JSON.parse cannot see source text, so numeric warn/error values are quoted before parsing; a quote
// inside a JSON string is always escaped, so `"warn":` only ever matches a real key.
const NUMERIC_THRESHOLD =
  /("(?:warn|error)"\s*:\s*)(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)(?=\s*[,}])/g;

/** Parses a request body like Jackson would. `null` stands for "no entity" (empty body or JSON null). */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return null; // jackson-jaxrs maps empty input to a null entity
  try {
    return JSON.parse(text.replace(NUMERIC_THRESHOLD, '$1"$2"'));
  } catch {
    throw new BindError('malformed JSON');
  }
}

/** `new BigDecimal(text).toPlainString()`, or BindError for what Java rejects ("", "abc", " 5"). */
export function bigDecimalPlain(text: string): string {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,4}))?$/.exec(text);
  if (!m || (m[2] === '' && !m[3])) throw new BindError(`not a BigDecimal: ${text}`);
  const fraction = m[3] ?? '';
  const scale = fraction.length - Number(m[4] ?? 0);
  const digits = `${m[2]}${fraction}`.replace(/^0+/, '') || '0';
  const sign = m[1] === '-' && digits !== '0' ? '-' : '';
  if (scale <= 0) return digits === '0' ? '0' : `${sign}${digits}${'0'.repeat(-scale)}`;
  const padded = digits.padStart(scale + 1, '0');
  return `${sign}${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
}

/** Jackson's String coercion: scalars become their text, structures fail. */
function bindString(value: unknown, field: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new BindError(`${field}: cannot bind a structure to a String`);
}

/** Jackson's primitive boolean: null/absent is false; ints and "true"/"false" strings are coerced. */
function bindBoolean(value: unknown, field: string): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return value !== 0;
  if (value === 'true' || value === 'True') return true;
  if (value === 'false' || value === 'False' || value === '') return false;
  throw new BindError(`${field}: not a boolean`);
}

function bindEnum<T extends string>(value: unknown, allowed: readonly T[], field: string): T | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new BindError(`${field}: unknown enum value`); // e.g. subscription type WEBHOOK
}

function bindBigDecimal(value: unknown, field: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string' && typeof value !== 'number') throw new BindError(`${field}: not a number`);
  return bigDecimalPlain(String(value));
}

/**
 * LocalTimeDeserializer: text not exactly 4 characters silently becomes null ("900", "09:00"); otherwise
 * Integer.valueOf on both halves and Joda's range checks, so "2400", "9:00" or "ab12" fail with 400.
 */
function bindHourMinute(value: unknown, field: string): HourMinute | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object') throw new BindError(`${field}: not a time`);
  const raw = String(value);
  if (raw.length !== 4) return null;
  const [h, m] = [raw.slice(0, 2), raw.slice(2)];
  if (!/^[+-]?\d+$/.test(h) || !/^[+-]?\d+$/.test(m)) throw new BindError(`${field}: NumberFormatException`);
  const hour = Number(h);
  const minute = Number(m);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) throw new BindError(`${field}: IllegalFieldValue`);
  return { hour, minute };
}

export function formatHourMinute(t: HourMinute | null): string | null {
  return t ? `${String(t.hour).padStart(2, '0')}${String(t.minute).padStart(2, '0')}` : null;
}

function asObject(raw: unknown, what: string): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new BindError(`${what}: not an object`);
  return raw as Record<string, unknown>;
}

/** Unknown fields are ignored (@JsonIgnoreProperties(ignoreUnknown = true)). */
export function bindSubscription(raw: unknown): BoundSubscription {
  const o = asObject(raw, 'subscription');
  const flag = (k: string) => bindBoolean(o[k], k);
  return {
    id: bindString(o.id, 'id'),
    target: bindString(o.target, 'target'),
    type: bindEnum(o.type, SUBSCRIPTION_TYPES, 'type'),
    su: flag('su'),
    mo: flag('mo'),
    tu: flag('tu'),
    we: flag('we'),
    th: flag('th'),
    fr: flag('fr'),
    sa: flag('sa'),
    ignoreWarn: flag('ignoreWarn'),
    ignoreError: flag('ignoreError'),
    ignoreOk: flag('ignoreOk'),
    fromTime: bindHourMinute(o.fromTime, 'fromTime'),
    toTime: bindHourMinute(o.toTime, 'toTime'),
    enabled: flag('enabled'),
  };
}

export function bindCheck(raw: unknown): BoundCheck {
  const o = asObject(raw, 'check');
  const text = (k: string) => bindString(o[k], k);
  let lastCheck: number | null = null;
  if (o.lastCheck !== null && o.lastCheck !== undefined) {
    // docs/seyren-api.md, section 9: an ISO string is assumed not to bind (no Joda module); epoch millis do.
    if (typeof o.lastCheck !== 'number' || !Number.isInteger(o.lastCheck)) throw new BindError('lastCheck');
    lastCheck = o.lastCheck;
  }
  let subscriptions: BoundSubscription[] | null = [];
  if (o.subscriptions === null) subscriptions = null;
  else if (Array.isArray(o.subscriptions)) subscriptions = o.subscriptions.map(bindSubscription);
  else if (o.subscriptions !== undefined) throw new BindError('subscriptions: not a list');
  return {
    id: text('id'),
    name: text('name'),
    description: text('description'),
    target: text('target'),
    from: text('from'),
    until: text('until'),
    warn: bindBigDecimal(o.warn, 'warn'),
    error: bindBigDecimal(o.error, 'error'),
    enabled: bindBoolean(o.enabled, 'enabled'),
    live: bindBoolean(o.live, 'live'),
    allowNoData: bindBoolean(o.allowNoData, 'allowNoData'),
    state: bindEnum(o.state, CHECK_STATES, 'state'),
    lastCheck,
    subscriptions,
  };
}

/**
 * Approximates `Pattern.compile` + Mongo `$regex` with a JS RegExp: unanchored "find" semantics, leading
 * inline flags `(?i)` etc., `\Q...\E` quoting, `\A`/`\z`. Throws ServerError where Java throws
 * PatternSyntaxException (Seyren answers 500), including Java's "Illegal repetition" for a stray `{`.
 */
export function compileJavaRegex(pattern: string): RegExp {
  let source = pattern;
  let flags = '';
  const inline = /^\(\?([imsx]+)\)/.exec(source);
  if (inline?.[1] && !inline[1].includes('x')) {
    flags = [...new Set(inline[1])].join('');
    source = source.slice(inline[0].length);
  }
  source = source
    .replace(/\\Q([\s\S]*?)(?:\\E|$)/g, (_all, literal: string) =>
      literal.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&'),
    )
    .replace(/\\A/g, '^')
    .replace(/\\[zZ]/g, '$');
  if (/(^|[^\\])(\\\\)*\{(?!\d+(,\d*)?\})/.test(source)) {
    throw new ServerError(
      `java.util.regex.PatternSyntaxException: Illegal repetition near index 0 ${pattern}`,
    );
  }
  try {
    return new RegExp(source, flags);
  } catch (err) {
    throw new ServerError(`java.util.regex.PatternSyntaxException: ${(err as Error).message}`);
  }
}

/** For `^literal$` patterns (the idempotent-create lookup), the literal; lets the double use its name index. */
export function exactLiteralOf(pattern: string): string | undefined {
  const m = /^\^((?:[^\\^$.|?*+()[\]{}]|\\[^A-Za-z0-9])*)\$$/.exec(pattern);
  return m?.[1]?.replace(/\\([^A-Za-z0-9])/g, '$1');
}

const processUnique = randomBytes(5).toString('hex');
let objectIdCounter = randomBytes(3).readUIntBE(0, 3);

/** A Mongo ObjectId as Seyren prints it: 24 hex digits (seconds, process-unique bytes, counter). */
export function objectId(): string {
  objectIdCounter = (objectIdCounter + 1) % 0x1000000;
  const seconds = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0');
  return `${seconds}${processUnique}${objectIdCounter.toString(16).padStart(6, '0')}`;
}
