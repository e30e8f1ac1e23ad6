import { z } from 'zod';
import { SUBSCRIPTION_TYPES } from '../clients/seyren/types';

/**
 * The YAML format of `checks/*.yaml`. Users write this by hand, so it is forgiving where Seyren is not
 * (days default to every day, times to the widest window, `enabled` to true) and strict where a mistake would
 * be silent (unknown keys are errors; thresholds must be numbers).
 *
 * The notification window: Seyren 1.5.0 notifies only when the server's clock minute is strictly after
 * fromTime and strictly before toTime (Subscription.shouldNotify). The defaults "0000"–"2359" are the widest
 * window it accepts and notify 00:01–23:58 server time: no subscription can notify at 00:00 or 23:59, and a
 * change Seyren first sees in one of those two minutes is never notified (it notifies changes only).
 */

// One list of subscription types: Seyren's enum (an unknown type makes it answer 400).
export { SUBSCRIPTION_TYPES };

export const DAYS = ['su', 'mo', 'tu', 'we', 'th', 'fr', 'sa'] as const;
export type Day = (typeof DAYS)[number];

// Seyren parses only exactly four digits "HHmm"; anything else silently becomes null and breaks notifications.
const hhmm = z.string().regex(/^([01]\d|2[0-3])[0-5]\d$/, 'must be "HHmm" with four digits, e.g. "0930"');

export const subscriptionSchema = z
  .object({
    type: z.enum(SUBSCRIPTION_TYPES),
    /** May reference environment variables as ${NAME}, so keys need not be committed. */
    target: z.string().min(1),
    days: z
      .array(z.enum(DAYS))
      .nonempty()
      .default([...DAYS]),
    fromTime: hhmm.default('0000'),
    toTime: hhmm.default('2359'),
    ignoreWarn: z.boolean().default(false),
    ignoreError: z.boolean().default(false),
    ignoreOk: z.boolean().default(false),
    enabled: z.boolean().default(true),
  })
  .strict();
export type SubscriptionDefinition = z.infer<typeof subscriptionSchema>;

/** Thresholds are validated by lint (with the direction explained), so here they are left `unknown`. */
const heuristicSettings = z
  .object({
    warn: z.unknown(),
    error: z.unknown(),
    params: z.record(z.union([z.string(), z.number()])).default({}),
    from: z.string().optional(),
    until: z.string().optional(),
    enabled: z.boolean().optional(),
  })
  .strict();
export type HeuristicSettings = z.infer<typeof heuristicSettings>;

const partialHeuristicSettings = z
  .object({
    warn: z.unknown().optional(),
    error: z.unknown().optional(),
    params: z.record(z.union([z.string(), z.number()])).optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

export const resolutionSchema = z.enum(['daily', 'fine']);

const defaultsSchema = z
  .object({
    resolution: resolutionSchema.default('daily'),
    from: z.string().optional(),
    until: z.string().optional(),
    enabled: z.boolean().default(true),
    allowNoData: z.boolean().default(false),
    subscriptions: z.array(subscriptionSchema).default([]),
  })
  .strict();

const envName = z.string().regex(/^[A-Za-z0-9_-]+$/, 'environment names are letters, digits, _ or -');

export const checkEntrySchema = z
  .object({
    /** Exact Graphite path or glob; may contain {{env}}. */
    metric: z.string().min(1),
    resolution: resolutionSchema.optional(),
    allowNoData: z.boolean().optional(),
    subscriptions: z.array(subscriptionSchema).optional(),
    heuristics: z
      .record(heuristicSettings)
      .refine((h) => Object.keys(h).length > 0, 'name at least one heuristic'),
    /** Per-environment overrides: { staging: { cv: { warn: 0.7 } } }. */
    overrides: z.record(envName, z.record(partialHeuristicSettings)).default({}),
  })
  .strict();
export type CheckEntry = z.infer<typeof checkEntrySchema>;

export const checkFileSchema = z
  .object({
    defaults: defaultsSchema.default({}),
    /** Render every entry once per environment; a new environment is one more name here. */
    environments: z.array(envName).optional(),
    checks: z.array(checkEntrySchema).min(1, 'list at least one check'),
  })
  .strict();
export type CheckFile = z.infer<typeof checkFileSchema>;
