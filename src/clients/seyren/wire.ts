import { CHECK_STATES, type CheckState, type SeyrenAlert } from './types';

/** What goes on and comes off Seyren's wire beside checks themselves: name regexes, subscription targets, alerts. */

/** Escapes Java/PCRE regex metacharacters, for `regexes=^<escaped>$` name lookups (docs/seyren-api.md, pitfall 1). */
export function escapeJavaRegex(text: string): string {
  // A backslash before any non-alphabetic character is a literal in Java, PCRE (Mongo) and JS alike.
  return text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

export function targetsOf(subscriptions: readonly { target?: string | null }[] | undefined): string[] {
  return (subscriptions ?? []).map((s) => s.target).filter((t): t is string => typeof t === 'string');
}

const STATES: ReadonlySet<string> = new Set(CHECK_STATES);

/** A wire number: Jackson writes BigDecimal as a JSON number; a numeric string is accepted as well. */
function wireNumber(value: unknown): number | null | undefined {
  if (value === null || value === undefined) return null;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** An alert record as typed data, or what is wrong with it. `targetHash` (MD5 bytes as UTF-8) is dropped. */
export function alertFromWire(raw: unknown): SeyrenAlert | string {
  if (typeof raw !== 'object' || raw === null) return 'not an object';
  const o = raw as Record<string, unknown>;
  if (typeof o.id !== 'string' || typeof o.checkId !== 'string') return 'no "id" and "checkId"';
  if (typeof o.timestamp !== 'number' || !Number.isFinite(o.timestamp)) return 'no numeric "timestamp"';
  if (!STATES.has(String(o.fromType)) || !STATES.has(String(o.toType))) return 'unknown "fromType"/"toType"';
  const value = wireNumber(o.value);
  const warn = wireNumber(o.warn);
  const error = wireNumber(o.error);
  if (value === undefined || warn === undefined || error === undefined)
    return 'non-numeric value or threshold';
  return {
    id: o.id,
    checkId: o.checkId,
    target: typeof o.target === 'string' ? o.target : null,
    value,
    warn,
    error,
    fromType: o.fromType as CheckState,
    toType: o.toType as CheckState,
    timestamp: o.timestamp,
  };
}
