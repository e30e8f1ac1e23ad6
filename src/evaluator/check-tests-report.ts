import { formatTime } from '../time';
import { plainStyle, type Style } from '../util/style';
import type { CheckTestFailure, CheckTestFileResult } from './check-tests-run';

/**
 * Text report of check tests, promtool-like, with a -expected/+got diff for every failure; coloured when given
 * a terminal's style (PASS green, FAIL and the expected side red, the actual side green).
 */

const num = (v: number | null | undefined) => (v === undefined ? 'none' : v === null ? 'null' : String(v));

function failureLines(f: CheckTestFailure, indent: string, style: Style): string[] {
  const out = [
    `${indent}at ${f.atText} = ${formatTime(f.at)}${f.line !== undefined ? ` (line ${f.line})` : ''}:`,
  ];
  if (f.actual.state === f.expected.state) out.push(`${indent}  state: ${f.expected.state}`);
  else
    out.push(
      style.red(`${indent}- state: ${f.expected.state}`),
      style.green(`${indent}+ state: ${f.actual.state}`),
    );
  if (f.expected.value !== undefined) {
    out.push(
      style.red(`${indent}- value: ${num(f.expected.value)}`),
      style.green(`${indent}+ value: ${num(f.actual.value)}`),
    );
  } else if (f.actual.state !== f.expected.state) {
    out.push(`${indent}  value: ${num(f.actual.value)}`);
  }
  if (f.actual.error) out.push(`${indent}  ${f.actual.error}`);
  if (f.actual.series.length > 1) {
    for (const s of f.actual.series)
      out.push(`${indent}  series ${s.name}: ${s.state ?? 'no value'} (${num(s.value)})`);
  }
  if (f.more > 0) out.push(`${indent}… and ${f.more} more evaluation(s) of this expectation failed`);
  return out;
}

export function formatCheckTestReport(
  results: CheckTestFileResult[],
  style: Style = plainStyle,
): { text: string; failed: number } {
  const out: string[] = [];
  let passed = 0;
  let failed = 0;
  let evaluations = 0;
  let ms = 0;
  for (const file of results) {
    out.push(file.file);
    ms += file.ms;
    for (const t of file.tests) {
      evaluations += t.evaluations;
      if (t.failures.length === 0) {
        passed++;
        out.push(
          `  ${style.green('PASS')}  ${t.name}  (${t.evaluations} evaluation${t.evaluations === 1 ? '' : 's'})`,
        );
        continue;
      }
      failed++;
      out.push(`  ${style.red('FAIL')}  ${t.name}  (${file.file}:${t.line ?? '?'})`);
      out.push(`        check   ${t.check}: ${t.thresholds}`);
      out.push(`        target  ${t.target}`);
      for (const f of t.failures) out.push(...failureLines(f, '        ', style));
    }
    out.push('');
  }
  const summary = `${passed + failed} test(s): ${passed} passed, ${failed} failed (${evaluations} evaluations in ${ms.toFixed(0)} ms)`;
  out.push(failed > 0 ? style.red(summary) : style.green(summary));
  return { text: out.join('\n'), failed };
}
