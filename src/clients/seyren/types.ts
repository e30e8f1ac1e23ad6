/**
 * Wire types of the Seyren 1.5.0 HTTP API, as its source serialises them (see
 * docs/seyren-api.md). Field names are the JSON names; they are a contract with the server.
 */

/** `SubscriptionType` enum of Seyren 1.5.0. There is no WEBHOOK (HTTP is the webhook); anything else is a 400. */
export const SUBSCRIPTION_TYPES = [
  'EMAIL',
  'PAGERDUTY',
  'HIPCHAT',
  'HUBOT',
  'FLOWDOCK',
  'HTTP',
  'IRCCAT',
  'PUSHOVER',
  'LOGGER',
  'SNMP',
  'SLACK',
  'TWILIO',
  'VICTOROPS',
  'OPSGENIE',
  'BIGPANDA',
] as const;
export type SubscriptionType = (typeof SUBSCRIPTION_TYPES)[number];

/** `AlertType`: a check's state. EXCEPTION exists in the enum but the server never sets it. */
export const CHECK_STATES = ['UNKNOWN', 'OK', 'WARN', 'ERROR', 'EXCEPTION'] as const;
export type CheckState = (typeof CHECK_STATES)[number];

/**
 * A notification subscription. Every boolean defaults to false on the server and times not given as exactly
 * four characters become null, which silently stops notification: always send all of them.
 */
export interface SeyrenSubscription {
  /** Server-generated 24-hex id; absent only on objects we are about to create. */
  id?: string;
  /** Meaning depends on `type`: an address, a channel, or an API key (PagerDuty, OpsGenie...): a secret. */
  target: string;
  type: SubscriptionType;
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
  /** "HHmm", server-local time; notification happens strictly after it. */
  fromTime: string | null;
  /** "HHmm", server-local time; notification happens strictly before it. */
  toTime: string | null;
  enabled: boolean;
}

/** A subscription as we POST it: the server mints the id (a body id is ignored on this route). */
export type NewSubscription = Omit<SeyrenSubscription, 'id'>;

/** A check exactly as GET /api/checks and GET /api/checks/{id} return it (Jackson includes null fields). */
export interface SeyrenCheck {
  id: string;
  name: string | null;
  description: string | null;
  target: string | null;
  /** Graphite `from`, verbatim; null means Seyren's default -11minutes. */
  from: string | null;
  /** Graphite `until`, verbatim; null means -1minutes. */
  until: string | null;
  /** BigDecimal plain string ("0.5", "1.0", "1000"): scale is kept, so compare numerically, not textually. */
  warn: string | null;
  error: string | null;
  enabled: boolean;
  live: boolean;
  allowNoData: boolean;
  state: CheckState;
  /** Epoch milliseconds of the last run, null until the scheduler ran it. */
  lastCheck: number | null;
  subscriptions: SeyrenSubscription[];
}

/**
 * What we POST to create a check. No `id` (the server always mints one). Thresholds may be numbers or numeric
 * strings; the server turns them into BigDecimals. `state` defaults to OK on the server.
 */
export interface NewCheck {
  name: string;
  description?: string | null;
  target: string;
  from?: string | null;
  until?: string | null;
  warn: number | string;
  error: number | string;
  enabled: boolean;
  live: boolean;
  allowNoData: boolean;
  state?: CheckState;
  /** Stored with the check in the same request, so a new check never exists without its subscriptions. */
  subscriptions?: NewSubscription[];
}

/** `SeyrenResponse<T>`: list envelope. For checks, `items` and `start` are always 0 (no pagination). */
export interface SeyrenList<T> {
  values: T[];
  items: number;
  start: number;
  total: number;
}

/**
 * An alert record as GET /api/checks/{id}/alerts and GET /api/alerts return it (Seyren 1.5.0 `Alert`): one per
 * series and check run that was not OK→OK, so a series that stays WARN gets one every run (every minute by
 * default), and its recovery gets one with `toType` OK. Unlike Check, thresholds and value are JSON NUMBERS here
 * (BigDecimal, tiny values in exponent form such as `1.0E-7`), and the timestamp is epoch milliseconds. The
 * wire also carries `targetHash`, the MD5 bytes of the series name decoded as UTF-8 (garbage): the client drops it.
 */
export interface SeyrenAlert {
  /** 24-hex ObjectId. */
  id: string;
  checkId: string;
  /** The series name (Graphite's `target` of the rendered series), not the check's target expression. */
  target: string | null;
  /** The value the run judged; null only for records Seyren did not write itself. */
  value: number | null;
  /** The check's thresholds at the time of the run. */
  warn: number | null;
  error: number | null;
  /** The series' state before this run (OK when it had no alert before). */
  fromType: CheckState;
  toType: CheckState;
  /** Epoch milliseconds of the run. */
  timestamp: number;
}
