import { elapsed, isoTime, shortNumber, utcMinute } from '../alerts/text';
import type { CheckStatus, CurrentValue } from './evaluate';
import type { GraphiteUse, StatusReport } from './read-status';

/** `healthlake status` output for people (text) and programs (--json). */

/** `0.72 >= warn 0.6 (error 0.85)`: the value against the threshold that decides its state. */
export function describeValue(v: CurrentValue, warn: number, error: number): string {
  const high = warn <= error;
  const reached = high ? '>=' : '<=';
  const below = high ? '<' : '>';
  const value = shortNumber(v.value);
  if (v.state === 'ERROR') return `${value} ${reached} error ${shortNumber(error)}`;
  const op = v.state === 'WARN' ? reached : below;
  return `${value} ${op} warn ${shortNumber(warn)} (error ${shortNumber(error)})`;
}

const NO_GRAPHITE_VALUE: Record<GraphiteUse, string> = {
  answered: 'Graphite has no value in the check range',
  unreachable: 'Graphite did not answer',
  'not asked': 'Graphite not asked (--no-graphite)',
};

function valueLine(s: CheckStatus, graphite: GraphiteUse): string | undefined {
  if (!s.enabled) return undefined;
  const v = s.value;
  if (!v || s.warn === null || s.error === null) {
    const why =
      s.warn === null || s.error === null
        ? 'the check has no numeric thresholds'
        : NO_GRAPHITE_VALUE[graphite];
    return `-  (${why})`;
  }
  const where =
    v.source === 'alert'
      ? `Seyren's run at ${utcMinute(v.at)}`
      : `Graphite's last point at ${utcMinute(v.at)}`;
  const series = s.series.length > 1 ? ` in ${v.series}` : '';
  return `${describeValue(v, s.warn, s.error)}${series}, ${where}`;
}

function sinceLine(s: CheckStatus, now: number): string | undefined {
  if (!s.enabled || s.state === null) return undefined;
  if (s.since === null) {
    return s.state === 'OK'
      ? 'no alert recorded (never unhealthy, or its alerts were pruned)'
      : `unknown (Seyren's alerts do not record ${s.state})`;
  }
  const bound = s.sinceExact ? '' : 'at or before ';
  return `${bound}${utcMinute(s.since)} (${elapsed(s.since, now)})`;
}

function checkedLine(s: CheckStatus, now: number, staleAfter: string): string | undefined {
  if (s.enabled === null) return undefined;
  if (s.lastCheck === null) return s.enabled ? 'never: Seyren has not run it yet' : 'never';
  const ago = `${elapsed(s.lastCheck, now)} ago`;
  const stale = s.stale ? `: STALE, Seyren has not run it within ${staleAfter}` : '';
  return `${utcMinute(s.lastCheck)} (${ago}${stale})`;
}

function checkLines(s: CheckStatus, report: StatusReport, staleAfter: string): string[] {
  const now = report.generatedAt;
  const out = [`${s.status.padEnd(9)} ${s.name}${s.managed ? '' : '  (unmanaged)'}`];
  const field = (name: string, text: string | undefined) => {
    if (text !== undefined) out.push(`    ${name.padEnd(9)} ${text}`);
  };
  if (s.status === 'DISABLED') field('state', `Seyren does not run it; its last state was ${s.state}`);
  field('value', valueLine(s, report.graphite));
  field('since', sinceLine(s, now));
  field('checked', checkedLine(s, now, staleAfter));
  if (s.drift.length > 0)
    field(
      'drift',
      `${s.drift.join(', ')} ${s.drift.length === 1 ? 'differs' : 'differ'} from the definitions: run healthlake provision-checks`,
    );
  if (s.declared)
    field('declared', `${s.declared.file}${s.declared.line !== null ? `:${s.declared.line}` : ''}`);
  if (s.note) field('note', s.note);
  if (s.links.seyren) field('seyren', s.links.seyren);
  if (s.links.graph) field('graph', s.links.graph);
  return out;
}

export function formatStatusText(report: StatusReport, staleAfter: string): string {
  const { summary, statuses } = report;
  const c = summary.counts;
  const parts = [
    c.EXCEPTION && `${c.EXCEPTION} EXCEPTION`,
    c.ERROR && `${c.ERROR} ERROR`,
    c.WARN && `${c.WARN} WARN`,
    c.UNKNOWN && `${c.UNKNOWN} UNKNOWN`,
    c.OK && `${c.OK} OK`,
    c.MISSING && `${c.MISSING} missing`,
    c.DISABLED && `${c.DISABLED} disabled`,
    summary.stale && `${summary.stale} stale`,
  ].filter(Boolean);
  const out = [
    `healthlake status: ${summary.verdict} (exit ${summary.exitCode}), Seyren ${report.seyrenUrl}, ${utcMinute(report.generatedAt)}`,
    `  ${summary.checks} check(s)${parts.length ? `: ${parts.join(', ')}` : ''}`,
  ];
  if (statuses.length === 0) out.push('', 'No checks: run healthlake provision-checks first.');
  for (const s of statuses) out.push('', ...checkLines(s, report, staleAfter));
  return out.join('\n');
}

export function statusToJson(report: StatusReport) {
  const { summary } = report;
  return {
    generatedAt: isoTime(report.generatedAt),
    seyrenUrl: report.seyrenUrl,
    graphite: report.graphite,
    summary: {
      checks: summary.checks,
      ...summary.counts,
      stale: summary.stale,
      verdict: summary.verdict,
      exitCode: summary.exitCode,
    },
    checks: report.statuses.map((s) => ({
      name: s.name,
      id: s.id,
      managed: s.managed,
      env: s.env,
      status: s.status,
      state: s.state,
      enabled: s.enabled,
      lastCheck: isoTime(s.lastCheck),
      stale: s.stale,
      since: isoTime(s.since),
      sinceExact: s.sinceExact,
      warn: s.warn,
      error: s.error,
      value: s.value && { ...s.value, at: isoTime(s.value.at) },
      series: s.series.map((x) => ({ series: x.series, state: x.state, value: x.value, at: isoTime(x.at) })),
      links: s.links,
      declared: s.declared,
      drift: s.drift,
      note: s.note,
    })),
  };
}
