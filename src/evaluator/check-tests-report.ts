import type { CheckTestFailure, CheckTestFileResult } from './check-tests-run';

/** Text report of check tests, promtool-like, with a -expected/+got diff for every failure. */

const iso = (t: number) =>
  new Date(t * 1000)
    .toISOString()
    .replace('T', ' ')
    .replace(/:00\.000Z$/, ' UTC')
    .replace(/\.000Z$/, ' UTC');
const num = (v: number | null | undefined) => (v === undefined ? 'none' : v === null ? 'null' : String(v));

function failureLines(f: CheckTestFailure, indent: string): string[] {
  const out = [`${indent}at ${f.atText} = ${iso(f.at)}${f.line !== undefined ? ` (line ${f.line})` : ''}:`];
  if (f.actual.state === f.expected.state) out.push(`${indent}  state: ${f.expected.state}`);
  else out.push(`${indent}- state: ${f.expected.state}`, `${indent}+ state: ${f.actual.state}`);
  if (f.expected.value !== undefined) {
    out.push(`${indent}- value: ${num(f.expected.value)}`, `${indent}+ value: ${num(f.actual.value)}`);
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

export function formatCheckTestReport(results: CheckTestFileResult[]): { text: string; failed: number } {
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
        out.push(`  PASS  ${t.name}  (${t.evaluations} evaluation${t.evaluations === 1 ? '' : 's'})`);
        continue;
      }
      failed++;
      out.push(`  FAIL  ${t.name}  (${file.file}:${t.line ?? '?'})`);
      out.push(`        check   ${t.check}: ${t.thresholds}`);
      out.push(`        target  ${t.target}`);
      for (const f of t.failures) out.push(...failureLines(f, '        '));
    }
    out.push('');
  }
  out.push(
    `${passed + failed} test(s): ${passed} passed, ${failed} failed (${evaluations} evaluations in ${ms.toFixed(0)} ms)`,
  );
  return { text: out.join('\n'), failed };
}
