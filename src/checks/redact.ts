import type { SubscriptionDefinition } from './definition-schema';

/**
 * Subscription targets can be PagerDuty service keys, Flowdock tokens or BigPanda app keys: they are shown
 * as their type and a short fingerprint, never in clear, in every output (plan, JSON, logs).
 */
export function redactTarget(target: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < target.length; i++) hash = Math.imul(hash ^ target.charCodeAt(i), 0x01000193) >>> 0;
  return `<redacted ${hash.toString(16).padStart(8, '0').slice(0, 6)}>`;
}

export function redactSubscription(s: SubscriptionDefinition) {
  return {
    type: s.type,
    target: redactTarget(s.target),
    days: s.days.length === 7 ? 'every day' : s.days.join(','),
    fromTime: s.fromTime,
    toTime: s.toTime,
    enabled: s.enabled,
    ignoreWarn: s.ignoreWarn,
    ignoreError: s.ignoreError,
    ignoreOk: s.ignoreOk,
  };
}
