/**
 * healthlake's time vocabulary: one parser per meaning, used by every command option, check file and test file.
 *
 * | meaning                        | parser              | examples                                  |
 * |--------------------------------|---------------------|-------------------------------------------|
 * | a length of time               | `parseDuration`     | `30s`, `10min`, `1h30min`, `7d`, `2weeks` |
 * | a Graphite function's duration | `parseDurationParameter` | `7d`, `'84d'` (quotes, sign ignored) |
 * | a Graphite range end (checks)  | `parseRelativeTime` | `now`, `-30d`, `now-1h`                   |
 * | a point in time (CLI options)  | `parseTimePoint`    | `now`, `-90d`, `2026-08-01`, `1767225600` |
 * | a fixed point (test files)     | `parseAbsoluteTime` | `2024-01-01`, `2024-01-01T06:00:00Z`      |
 * | a civil day (collect, replay)  | `parseCivilDate`    | `2026-11-15`                              |
 * | a history's start (`--since`)  | `parseSince`        | `7d` back, or any time point              |
 *
 * Impossible dates, zero durations (where a length is needed), units that do not exist and bare numbers are
 * errors whose message says what is allowed; nothing rolls over or is guessed. The one exception is the local
 * Graphite evaluator, which must read targets exactly as graphite-web 1.1.8 does (prefix-matched units, a
 * missing sign meaning +): it alone uses src/evaluator/time-offset.ts (ESLint enforces that).
 */
export {
  formatDuration,
  parseDuration,
  parseDurationParameter,
  parseRelativeTime,
  type DurationOptions,
} from './duration';
export {
  describeTimePoint,
  epochOf,
  formatTime,
  parseAbsoluteTime,
  parseCivilDate,
  parseSince,
  parseTimePoint,
  type TimePoint,
} from './time-point';
