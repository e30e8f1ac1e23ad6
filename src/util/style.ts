/**
 * Terminal colours for output people read (the plan, test results, log lines). Formatters take a Style and
 * default to plainStyle, so they stay pure and their text is the same with or without colour.
 */
export interface Style {
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const same = (text: string) => text;

export const plainStyle: Style = { red: same, green: same, yellow: same, cyan: same, dim: same, bold: same };

const sgr = (open: number, close: number) => (text: string) =>
  text === '' ? text : `\u001b[${open}m${text}\u001b[${close}m`;

export const ansiStyle: Style = {
  red: sgr(31, 39),
  green: sgr(32, 39),
  yellow: sgr(33, 39),
  cyan: sgr(36, 39),
  dim: sgr(2, 22),
  bold: sgr(1, 22),
};

/**
 * Colour only on a terminal, and never when NO_COLOR is set to anything non-empty (https://no-color.org) or
 * TERM is `dumb`; off a terminal (a pipe, a file, cron) output never carries escape codes.
 */
export function colourEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
  return colourEnabled(stream, env) ? ansiStyle : plainStyle;
}

/** Removes colour codes, e.g. to measure or compare text. */
export function stripStyle(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
