import { scopeFor, shortScope, type HealthScope } from '../../auth/scopes';
import type { SourceWarning } from '../day-record';

/**
 * Partial consent: Google's consent screen lets the user untick single scopes, and Google asks apps to work
 * with what was granted. A data type whose scope the token lacks is not requested (it would only answer 403);
 * one that Google refuses with 403 ACCESS_TOKEN_SCOPE_INSUFFICIENT is treated the same from then on. The rest
 * is collected, and each missing scope becomes one warning naming it (so `collect` exits 5).
 */
export class Consent {
  private readonly refusedScopes = new Set<string>();

  /** `granted`: the token's scopes; undefined when unknown (then everything is tried). */
  constructor(private readonly granted?: readonly string[]) {}

  allows(dataType: string): boolean {
    const { scope } = scopeFor(dataType);
    if (this.refusedScopes.has(scope)) return false;
    return this.granted === undefined || this.granted.includes(scope);
  }

  /** Google answered 403 ACCESS_TOKEN_SCOPE_INSUFFICIENT for this data type. */
  refused(dataType: string): void {
    this.refusedScopes.add(scopeFor(dataType).scope);
  }

  /** One warning per scope that kept data from being read, among the data types this read needed. */
  warnings(dataTypes: readonly string[]): SourceWarning[] {
    const missing = new Map<string, HealthScope>();
    for (const dataType of dataTypes) {
      if (!this.allows(dataType)) missing.set(scopeFor(dataType).scope, scopeFor(dataType));
    }
    return [...missing.values()].map((s) => ({
      file: 'Google consent',
      record: shortScope(s.scope),
      message:
        `the consent does not include ${shortScope(s.scope)}, so ${s.without}; run \`healthlake auth\` ` +
        'and tick every box on the consent screen to collect it',
    }));
  }
}
