/**
 * The Google Health scopes healthlake asks for, and which data each one opens. Google's consent screen is
 * granular: the user may untick any of them, and the token then carries only those that were ticked (its
 * `scope`). Collection reads what was granted and names what was not (partial consent).
 */

export const HEALTH_SCOPE_PREFIX = 'https://www.googleapis.com/auth/googlehealth.';

/** A read-only scope and what healthlake reads with it. */
export interface HealthScope {
  scope: string;
  /** Data types of the Google Health API it opens. */
  dataTypes: readonly string[];
  /** What is lost without it, for messages. */
  without: string;
}

const scope = (name: string) => `${HEALTH_SCOPE_PREFIX}${name}`;

export const HEALTH_SCOPE_USES: readonly HealthScope[] = [
  {
    scope: scope('activity_and_fitness.readonly'),
    dataTypes: ['steps'],
    without: 'steps are not collected',
  },
  {
    scope: scope('health_metrics_and_measurements.readonly'),
    dataTypes: ['heart-rate', 'daily-resting-heart-rate'],
    without: 'heart.resting, heart.average and heart.max_sustained are not collected',
  },
  {
    scope: scope('sleep.readonly'),
    dataTypes: ['sleep'],
    without: 'the sleep metrics are not collected',
  },
  {
    scope: scope('settings.readonly'),
    dataTypes: ['settings'],
    without: "the time zone is the host's, not the one set in the Fitbit app",
  },
];

/** Read-only Google Health scopes the collector needs (steps; heart rate; sleep; the profile's time zone). */
export const HEALTH_SCOPES = HEALTH_SCOPE_USES.map((s) => s.scope);
/** Plus `openid email`: the consent's id_token then names the account, which `auth status` shows. */
export const SCOPES = [...HEALTH_SCOPES, 'openid', 'email'];

/** The scope a data type (or `settings`) needs. */
export function scopeFor(dataType: string): HealthScope {
  const found = HEALTH_SCOPE_USES.find((s) => s.dataTypes.includes(dataType));
  if (!found) throw new Error(`no Google Health scope is known for ${dataType}`);
  return found;
}

/** `sleep.readonly` for `https://www.googleapis.com/auth/googlehealth.sleep.readonly`. */
export function shortScope(s: string): string {
  return s.startsWith(HEALTH_SCOPE_PREFIX) ? s.slice(HEALTH_SCOPE_PREFIX.length) : s;
}

/** The health scopes missing from a token's space-separated `scope`. */
export function missingHealthScopes(granted: string): string[] {
  const have = new Set(granted.split(/\s+/).filter(Boolean));
  return HEALTH_SCOPES.filter((s) => !have.has(s));
}
