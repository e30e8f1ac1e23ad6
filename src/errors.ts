/**
 * Error types shared by every command. The CLI maps them to exit codes and prints their message alone
 * (no stack trace) because they are written for the user, not for us.
 */

/** Process exit codes. Kept in one place because cron wrappers and alerting depend on them. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  /** `--dry-run --detailed-exitcode`: the plan has changes (as terraform plan). */
  changesPending: 2,
  /** Bad input (a definition file, a template, a metric name, a command-line usage error): nothing was sent. */
  invalidInput: 3,
  /** A required local component (Debian package, npm package) is missing. */
  missingComponent: 4,
  /** collect or replay finished, but some input was skipped or a metric withheld (each named in a warning). */
  skippedInput: 5,
  /** No usable Google authorisation (no token, invalid_grant, 401 after refresh): run `healthlake auth`. */
  authRequired: 6,
  /** Another run holds the lock (two cron runs overlap). */
  locked: 7,
  /** `status`: a check is WARN (none ERROR). Above 7 so that no status is mistaken for a failure or usage error. */
  statusWarn: 10,
  /** `status`: a check is ERROR or EXCEPTION. */
  statusError: 11,
  /** `status`: nothing WARN or ERROR, but a check is UNKNOWN, missing from Seyren, or not run by it lately. */
  statusUnknown: 12,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class HealthlakeError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.failure,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Where in the user's input a problem is: file, 1-based line, and the dotted field path. */
export interface InputLocation {
  file?: string;
  line?: number;
  field?: string;
}

export function formatLocation(loc: InputLocation): string {
  const where = [loc.file, loc.line !== undefined ? String(loc.line) : undefined].filter(Boolean).join(':');
  if (where && loc.field) return `${where}: ${loc.field}`;
  return where || loc.field || '';
}

/** One problem in user input. Several of them are collected before failing, so a user fixes all at once. */
export interface InputProblem extends InputLocation {
  message: string;
}

export function formatProblem(p: InputProblem): string {
  const where = formatLocation(p);
  return where ? `${where}: ${p.message}` : p.message;
}

export class InputError extends HealthlakeError {
  constructor(readonly problems: InputProblem[]) {
    super(problems.map(formatProblem).join('\n'), ExitCode.invalidInput);
  }

  static single(message: string, loc: InputLocation = {}): InputError {
    return new InputError([{ ...loc, message }]);
  }
}

/** A program or package that must be installed first; the message says how. */
export class MissingComponentError extends HealthlakeError {
  constructor(message: string) {
    super(message, ExitCode.missingComponent);
  }
}
